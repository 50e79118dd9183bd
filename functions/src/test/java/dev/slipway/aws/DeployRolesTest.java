package dev.slipway.aws;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The deploy passes on only the roles declared for the environment (architecture §5). */
class DeployRolesTest {
  static final String TASK = "arn:aws:iam::210987654321:role/slipway-hello-go-task";

  @Test
  void theDeclaredRole_byNameOrArn_passes() {
    assertThat(EcsDeployments.undeclaredRole("task role", TASK, "slipway-hello-go-task")).isEmpty();
    assertThat(EcsDeployments.undeclaredRole("task role", TASK, TASK)).isEmpty();
    assertThat(EcsDeployments.undeclaredRole("task role", null, null)).isEmpty();
  }

  @Test
  void anotherRole_orOneNobodyDeclared_isNamed() {
    assertThat(
            EcsDeployments.undeclaredRole(
                "task role", "arn:aws:iam::210987654321:role/admin", "slipway-hello-go-task"))
        .isEqualTo(
            " passes task role arn:aws:iam::210987654321:role/admin (declared:"
                + " slipway-hello-go-task),");
    assertThat(EcsDeployments.undeclaredRole("execution role", TASK, null))
        .contains("passes execution role " + TASK);
    // A path does not make another role the declared one.
    assertThat(
            EcsDeployments.undeclaredRole(
                "task role",
                "arn:aws:iam::210987654321:role/other/slipway-hello-go-task",
                "arn:aws:iam::210987654321:role/slipway-hello-go-task"))
        .isNotEmpty();
  }
}
