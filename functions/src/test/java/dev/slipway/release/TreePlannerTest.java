package dev.slipway.release;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.source.DirectoryTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TreePlannerTest {
  private static final LocalDate TODAY = LocalDate.of(2026, 11, 27);

  @TempDir Path dir;

  private void write(String path, String text) throws IOException {
    Path file = dir.resolve(path);
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
  }

  private void goodTree(String manifest) throws IOException {
    write("slipway.json", manifest);
    write("go.mod", "module example.com/svc\n\ngo 1.22\n");
    write("main.go", "// Command svc.\npackage main\n\nfunc main() {}\n");
  }

  private TreePlanner.Result plan(String releaseId) throws IOException {
    return TreePlanner.plan(DirectoryTree.open(dir), releaseId, "/out", TODAY);
  }

  private BuildPlan planned(String releaseId) throws IOException {
    TreePlanner.Result result = plan(releaseId);
    assertThat(result).isInstanceOf(TreePlanner.Result.Planned.class);
    return ((TreePlanner.Result.Planned) result).plan();
  }

  private List<String> problems(String releaseId) throws IOException {
    TreePlanner.Result result = plan(releaseId);
    assertThat(result).isInstanceOf(TreePlanner.Result.Invalid.class);
    return ((TreePlanner.Result.Invalid) result).problems().stream().map(Problem::line).toList();
  }

  @Test
  void aVendorTree_isRefused_becauseBuildsWouldIgnoreItUnchecked() throws IOException {
    goodTree("{\"service\": \"svc\"}");
    write("vendor/modules.txt", "# example.com/dep v1.0.0\n");
    assertThat(problems("svc-0123456789ab"))
        .containsExactly(
            "vendor/: a vendor tree is not built from: Slipway takes modules from the module"
                + " proxy, checked against go.sum (remove vendor/, or list it in .slipwayignore)");
  }

  @Test
  void plan_forATwoLineManifest_buildsEachDefaultTargetWithTheExactArgvAndEnv() throws IOException {
    goodTree("{\n  \"service\": \"svc\"\n}\n");

    BuildPlan plan = planned("svc-0123456789ab");

    assertThat(plan.module()).isEqualTo("example.com/svc");
    assertThat(plan.goVersion()).isEqualTo("1.22");
    assertThat(plan.prepare())
        .extracting(BuildPlan.Command::argv)
        .containsExactly(List.of("go", "mod", "download"), List.of("go", "mod", "verify"));
    assertThat(plan.test()).isNull();
    assertThat(plan.targets()).hasSize(2);
    BuildPlan.Target amd64 = plan.targets().get(0);
    assertThat(amd64.output()).isEqualTo("svc_linux_amd64/svc");
    assertThat(amd64.build().argv())
        .containsExactly(
            "go",
            "build",
            "-trimpath",
            "-buildvcs=false",
            "-ldflags=-s -w -X main.version=svc-0123456789ab",
            "-o",
            "/out/svc_linux_amd64/svc",
            ".");
    assertThat(amd64.build().env())
        .isEqualTo(
            Map.of(
                "CGO_ENABLED", "0",
                "GOOS", "linux",
                "GOARCH", "amd64",
                "GOTOOLCHAIN", "local",
                "GOFLAGS", "-mod=readonly",
                "GOWORK", "off"));
    assertThat(plan.prepare())
        .allSatisfy(
            c ->
                assertThat(c.env())
                    .containsEntry("GOFLAGS", "-mod=readonly")
                    .containsEntry("GOWORK", "off")
                    .containsEntry("GOTOOLCHAIN", "local"));
    assertThat(plan.targets().get(1).build().env()).containsEntry("GOARCH", "arm64");
    assertThat(plan.image().entrypoint()).containsExactly("/svc");
    assertThat(plan.image().labels())
        .containsEntry("org.opencontainers.image.version", "svc-0123456789ab")
        .containsEntry("dev.slipway.release-id", "svc-0123456789ab");
  }

  @Test
  void plan_withTagsXflagsVariantsAndWindows_putsEachInItsOwnArgument() throws IOException {
    goodTree(
        """
        {"service": "svc", "main": "./cmd/svc", "test": true, "compress": "upx",
         "targets": ["linux/arm/v7", "windows/amd64", "linux/amd64"],
         "tags": ["netgo"], "xflags": {"main.commit": "abc", "example.com/svc/build.Date": "2026-11-27"}}
        """);
    write("cmd/svc/main.go", "package main\n\nfunc main() {}\n");

    BuildPlan plan = planned("r1");

    assertThat(plan.test().argv()).containsExactly("go", "test", "-trimpath", "./...");
    assertThat(plan.test().withoutCredentials()).as("the user's tests get no credentials").isTrue();
    assertThat(plan.targets()).noneMatch(t -> t.build().withoutCredentials());
    BuildPlan.Target arm = plan.targets().get(0);
    assertThat(arm.build().env()).containsEntry("GOARCH", "arm").containsEntry("GOARM", "7");
    assertThat(arm.output()).isEqualTo("svc_linux_arm_v7/svc");
    assertThat(arm.compress()).isTrue();
    assertThat(arm.build().argv())
        .containsExactly(
            "go",
            "build",
            "-trimpath",
            "-buildvcs=false",
            "-tags=netgo",
            "-ldflags=-s -w -X main.version=r1 -X example.com/svc/build.Date=2026-11-27 -X main.commit=abc",
            "-o",
            "/out/svc_linux_arm_v7/svc",
            "./cmd/svc");
    BuildPlan.Target windows = plan.targets().get(1);
    assertThat(windows.output()).isEqualTo("svc_windows_amd64/svc.exe");
    assertThat(windows.compress()).as("UPX is for Linux targets only").isFalse();
  }

  @Test
  void plan_marksExpiredAllowancesWithoutRefusingTheManifest() throws IOException {
    goodTree(
        """
        {"service": "svc", "scan": {"allow": [
          {"id": "CVE-2024-1", "expires": "2026-11-27", "reason": "still valid today"},
          {"id": "CVE-2024-2", "expires": "2026-11-26", "reason": "expired yesterday"}]}}
        """);

    assertThat(planned("r1").scan().allow())
        .extracting(BuildPlan.Allowed::id, BuildPlan.Allowed::expired)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("CVE-2024-1", false),
            org.assertj.core.groups.Tuple.tuple("CVE-2024-2", true));
  }

  @Test
  void plan_whenTreeHasNothing_reportsEveryMissingPiece() throws IOException {
    assertThat(problems("r1"))
        .containsExactly(
            "slipway.json: not found at the root of the source tree",
            "go.mod: not found at the root of the source tree (Slipway builds Go modules)");
  }

  @Test
  void plan_whenMainIsMissingAndManifestIsBad_reportsBoth() throws IOException {
    write("slipway.json", "{\"service\": \"svc\", \"main\": \"./cmd/nope\", \"compress\": 1}");
    write("go.mod", "module example.com/svc\n");

    assertThat(problems("r1"))
        .containsExactly(
            "slipway.json: compress: expected a string, got a number (1)",
            "slipway.json: main: './cmd/nope' is not a directory in the source tree");
  }

  @Test
  void plan_whenMainPackageIsALibrary_saysWhichPackageItIs() throws IOException {
    goodTree("{\"service\": \"svc\", \"main\": \"lib\"}");
    write("lib/lib.go", "// Package lib.\npackage lib\n");
    write("lib/lib_test.go", "package main\n");

    assertThat(problems("r1"))
        .containsExactly("slipway.json: main: './lib' is not a main package (it is package lib)");
  }

  @Test
  void plan_whenMainHasNoGoFiles_saysSo() throws IOException {
    goodTree("{\"service\": \"svc\", \"main\": \"./docs\"}");
    write("docs/README.md", "# docs\n");

    assertThat(problems("r1"))
        .containsExactly("slipway.json: main: './docs' has no Go source files");
  }

  @Test
  void plan_whenGoModHasNoModuleLine_saysSo() throws IOException {
    goodTree("{\"service\": \"svc\"}");
    write("go.mod", "go 1.22\n");

    assertThat(problems("r1")).containsExactly("go.mod: has no module line");
  }

  @Test
  void plan_whenReleaseIdCouldInject_refusesIt() throws IOException {
    goodTree("{\"service\": \"svc\"}");

    assertThat(problems("x -X main.evil=1"))
        .containsExactly(
            "release id: 'x -X main.evil=1' is not a release id (letters, digits, . _ -; at most 128; starting with a letter or digit)");
  }

  @Test
  void plan_whenManifestIsASymlinkOutOfTheTree_refusesToFollowIt() throws IOException {
    write("go.mod", "module example.com/svc\n");
    write("main.go", "package main\n");
    Path outside = Files.createTempFile("outside", ".json");
    try {
      Files.writeString(outside, "{\"service\": \"svc\"}");
      Files.createSymbolicLink(dir.resolve("slipway.json"), outside);

      assertThat(problems("r1"))
          .containsExactly("slipway.json: is a link that leads out of the source tree");
    } finally {
      Files.deleteIfExists(outside);
    }
  }

  @Test
  void plan_whenMainDirectoryIsASymlinkOutOfTheTree_refusesToFollowIt() throws IOException {
    goodTree("{\"service\": \"svc\", \"main\": \"./cmd\"}");
    Path outside = Files.createTempDirectory("outside");
    try {
      Files.writeString(outside.resolve("main.go"), "package main\n");
      Files.createSymbolicLink(dir.resolve("cmd"), outside);

      assertThat(problems("r1"))
          .containsExactly(
              "slipway.json: main: './cmd' is a link that leads out of the source tree");
    } finally {
      Files.deleteIfExists(outside.resolve("main.go"));
      Files.deleteIfExists(outside);
    }
  }

  @Test
  void plan_whenManifestIsNotUtf8_saysSo() throws IOException {
    write("go.mod", "module example.com/svc\n");
    Files.write(dir.resolve("slipway.json"), new byte[] {'{', (byte) 0xff, '}'});

    assertThat(problems("r1")).containsExactly("slipway.json: is not UTF-8 text");
  }

  @Test
  void plan_isAPureFunctionOfItsInputs() throws IOException {
    goodTree("{\"service\": \"svc\", \"targets\": [\"linux/amd64\", \"darwin/arm64\"]}");

    assertThat(planned("r1")).isEqualTo(planned("r1"));
  }
}
