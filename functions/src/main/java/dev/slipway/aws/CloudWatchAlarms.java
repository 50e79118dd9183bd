package dev.slipway.aws;

import dev.slipway.engine.Alarms;
import dev.slipway.engine.Unavailable;
import java.util.List;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;

/** The alarms that guard deployments, as CloudWatch's DescribeAlarms answers. */
public record CloudWatchAlarms(Supplier<CloudWatchClient> cloudWatch) implements Alarms {
  public CloudWatchAlarms(CloudWatchClient cloudWatch) {
    this(() -> cloudWatch);
  }

  @Override
  public List<String> firing(List<String> alarms) throws Unavailable {
    try {
      return cloudWatch
          .get()
          .describeAlarms(r -> r.alarmNames(alarms).stateValue("ALARM"))
          .metricAlarms()
          .stream()
          // filtered here too: not every endpoint (moto among them) applies StateValue with names
          .filter(a -> "ALARM".equals(a.stateValueAsString()))
          .map(MetricAlarm::alarmName)
          .sorted()
          .toList();
    } catch (SdkException e) {
      throw AwsErrors.unavailable(e);
    }
  }
}
