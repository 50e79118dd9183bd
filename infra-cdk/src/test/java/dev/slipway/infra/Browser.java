package dev.slipway.infra;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.slipway.emulator.ManagedProcess;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Headless Chromium through its WebDriver (Debian's {@code chromium} and {@code chromium-driver};
 * {@code .ci/run} installs them). Without them the browser test is skipped with a message on a
 * developer machine, and fails under CI.
 */
final class Browser {
  private Browser() {}

  static ChromeDriver start() {
    String chromium = ManagedProcess.find("chromium");
    String driver = ManagedProcess.find("chromedriver");
    if (chromium == null || driver == null) {
      if (System.getenv("CI") != null) {
        throw new IllegalStateException(
            "chromium and chromedriver are not installed; .ci/run should have installed them");
      }
      assumeTrue(
          false,
          "chromium or chromedriver not installed (apt-get install chromium chromium-driver):"
              + " browser test skipped");
    }
    ChromeOptions options = new ChromeOptions();
    options.setBinary(chromium);
    options.addArguments(
        "--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1000");
    ChromeDriverService service =
        new ChromeDriverService.Builder().usingDriverExecutable(new File(driver)).build();
    return new ChromeDriver(service, options);
  }

  /** Saves what the browser shows as a PNG under target/screenshots (a test artifact). */
  static Path screenshot(ChromeDriver browser, String name) throws Exception {
    Path dir = Files.createDirectories(Path.of("target", "screenshots"));
    Path file = dir.resolve(name + ".png");
    Files.write(file, browser.getScreenshotAs(OutputType.BYTES));
    return file;
  }
}
