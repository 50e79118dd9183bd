package dev.slipway.event;

import java.util.Arrays;
import java.util.List;

/**
 * The pipeline's steps: one Lambda function each, with the handler class it runs and how events
 * reach it. This and {@link EventKind} are the one registry the handlers, the CDK app, the local
 * runtime and the rule conformance test read; a step's event kinds are the kinds that name it.
 */
public enum Step {
  SOURCE_UPLOADED("SourceUploaded", Delivery.RULES),
  BUILD_STATE("BuildState", Delivery.RULES),
  IMAGE_PUSHED("ImagePushed", Delivery.RULES),
  SCAN("Scan", Delivery.RULES),
  /** A person's decisions, only through the IAM-authenticated function URL (architecture §5). */
  APPROVAL("Approval", Delivery.FUNCTION_URL),
  DEPLOYMENT("Deployment", Delivery.RULES),
  /** The scheduled safety net; its rule is a schedule, not an event pattern. */
  RECONCILER("Reconciler", Delivery.SCHEDULE);

  /** How a step's input reaches its function. */
  public enum Delivery {
    /** EventBridge rules (one per kind) deliver to the step's queue. */
    RULES,
    /** A Lambda function URL; no rule, no queue. */
    FUNCTION_URL,
    /** A scheduled rule delivers to the step's queue. */
    SCHEDULE
  }

  private final String functionName;
  private final Delivery delivery;

  Step(String functionName, Delivery delivery) {
    this.functionName = functionName;
    this.delivery = delivery;
  }

  /** The function's short name in the stack (and in the template's logical ids). */
  public String functionName() {
    return functionName;
  }

  /** The class Lambda runs, as its Handler setting names it. */
  public String handlerClass() {
    return "dev.slipway.handler." + functionName + "Handler";
  }

  public Delivery delivery() {
    return delivery;
  }

  /** Whether a queue feeds the function (every delivery but the function URL). */
  public boolean hasQueue() {
    return delivery != Delivery.FUNCTION_URL;
  }

  /** The event kinds this step's handler acts on (any other is logged and ignored). */
  public List<EventKind> kinds() {
    return Arrays.stream(EventKind.values()).filter(k -> k.step().orElse(null) == this).toList();
  }

  /** The step a function's short name names. */
  public static Step ofFunction(String functionName) {
    for (Step step : values()) {
      if (step.functionName.equals(functionName)) {
        return step;
      }
    }
    throw new IllegalArgumentException("no step has the function " + functionName);
  }
}
