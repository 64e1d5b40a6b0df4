package dev.layercache.spring;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.core.SpringVersion;

/** Each test execution runs on the Spring Framework it names (7, and again 6.2). */
class SpringOnClassPathTest {
  @Test
  void tests_runOnTheSpringVersionOfTheirExecution() {
    String expected = System.getProperty("layercache.expectedSpring");
    assertThat(expected).as("set by the build").isNotBlank();
    assertThat(SpringVersion.getVersion()).isEqualTo(expected);
  }
}
