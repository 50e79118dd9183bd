package dev.slipway;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The layers of architecture §2, enforced: the domain stays pure. */
class ArchitectureTest {
  private static final JavaClasses MAIN =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.slipway");

  @Test
  void domain_neverImportsTheAwsSdk() {
    noClasses()
        .that()
        .resideInAPackage("dev.slipway.release..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("software.amazon.awssdk..", "com.amazonaws..")
        .because("the release domain is pure; AWS lives behind ports in dev.slipway.aws")
        .check(MAIN);
  }

  @Test
  void domain_doesNoIoOfItsOwn() {
    noClasses()
        .that()
        .resideInAPackage("dev.slipway.release..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "java.nio.file..", "java.net..", "dev.slipway.source..", "dev.slipway.aws..")
        .because("decisions are pure functions; files and networks are reached through ports")
        .check(MAIN);
  }

  @Test
  void engine_reachesAwsOnlyThroughPorts() {
    noClasses()
        .that()
        .resideInAPackage("dev.slipway.engine..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("software.amazon.awssdk..", "com.amazonaws..", "dev.slipway.aws..")
        .because("the engine is tested with in-memory fakes of its ports")
        .check(MAIN);
  }

  @Test
  void eventModel_neverImportsTheAwsSdk() {
    noClasses()
        .that()
        .resideInAnyPackage("dev.slipway.event..", "dev.slipway.json..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("software.amazon.awssdk..", "dev.slipway.release..")
        .check(MAIN);
  }
}
