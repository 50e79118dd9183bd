package dev.slipway.local;

import dev.slipway.emulator.Installs;
import dev.slipway.emulator.ManagedProcess;
import dev.slipway.emulator.Moto;
import dev.slipway.emulator.Registry;
import java.nio.file.Path;
import java.util.List;

/**
 * What `slipway local` installs for itself under the cache directory, for `slipway doctor` to
 * report: each tool, whether it is in place, and what installs it when it is not.
 */
public final class SelfInstalled {
  private SelfInstalled() {}

  /** One tool: its name, whether it is ready, where (or what will install it), what needs it. */
  public record Tool(String name, boolean ready, String where, String installer) {}

  public static List<Tool> tools(Path cache) {
    String moto = ManagedProcess.find("moto_server");
    return List.of(
        new Tool(
            "registry",
            Installs.installed(cache, Registry.NAME, Registry.VERSION),
            Installs.home(cache, Registry.NAME, Registry.VERSION).toString(),
            "go install " + Registry.MODULE + "@" + Registry.VERSION),
        moto != null
            ? new Tool("moto", true, moto + " (on the PATH)", "")
            : new Tool(
                "moto",
                Installs.installed(cache, "moto", Moto.VERSION),
                Installs.home(cache, "moto", Moto.VERSION).toString(),
                "pip install 'moto[server]==" + Moto.VERSION + "' into a venv"),
        new Tool(
            "aws cli",
            Installs.installed(cache, "awscli", AwsCli.VERSION),
            Installs.home(cache, "awscli", AwsCli.VERSION).toString(),
            "pip install awscli==" + AwsCli.VERSION + " into a venv"),
        new Tool(
            "iam evaluator",
            java.nio.file.Files.isRegularFile(
                cache.resolve("iam-simulate-" + IamSimulator.VERSION).resolve(".installed")),
            cache.resolve("iam-simulate-" + IamSimulator.VERSION).toString(),
            "npm ci of @cloud-copilot/iam-simulate " + IamSimulator.VERSION));
  }
}
