package org.clusterdb.chaos.checker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.clusterdb.chaos.history.History;
import org.clusterdb.chaos.history.Op;
import org.clusterdb.chaos.history.Operation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The size a chaos run produces: 10 keys of about 1,000 operations each, 5 clients per key, a few
 * crashed (indeterminate) operations. It checks the outcomes and prints how long the checks took,
 * but asserts nothing about time: a loaded CI machine must not fail it. The times are in {@code
 * target/surefire-reports/org.clusterdb.chaos.checker.CheckerSanityTest-output.txt}, or run {@link
 * #main} from the test classpath:
 *
 * <pre>{@code
 * mvn -o -q -pl chaos-tests test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=org.clusterdb.chaos.checker.CheckerSanityTest
 * }</pre>
 */
@Timeout(120)
class CheckerSanityTest {
  static final RegisterSimulation SHAPE = new RegisterSimulation(10, 1_000, 5, 0.002, 0, 0.2);

  @Test
  void tenKeysOfAThousandOperationsAtConcurrencyFive() {
    Result r = measure(new Random(42));

    assertThat(r.valid().outcome()).as(r.valid().describe()).isEqualTo(Outcome.VALID);
    assertThat(r.indeterminate()).isPositive();
    assertThat(r.invalid().outcome()).as(r.invalid().describe()).isEqualTo(Outcome.INVALID);
    assertThat(r.invalid().keysWith(Outcome.INVALID)).hasSize(1);
  }

  public static void main(String[] args) {
    Random rnd = new Random(args.length > 0 ? Long.parseLong(args[0]) : 42);
    measure(rnd);
  }

  private record Result(Verdict valid, Verdict invalid, long indeterminate) {}

  private static Result measure(Random rnd) {
    History h = SHAPE.run(rnd);
    List<Operation> ops = h.operations();
    long indeterminate = ops.stream().filter(Operation::indeterminate).count();
    LinearizabilityChecker checker = new LinearizabilityChecker();

    long start = System.nanoTime();
    Verdict valid = checker.check(h);
    long validMillis = (System.nanoTime() - start) / 1_000_000;

    // The last ok read of one key made to return a value never written: the search must exhaust
    // every linearization of that key's history before it, the worst case for an invalid key.
    Operation last =
        ops.stream()
            .filter(o -> o.ok() && o.invoke().f() == Op.Fn.READ)
            .filter(o -> o.invoke().key().equals("k3"))
            .reduce((a, b) -> b)
            .orElseThrow();
    History mutated =
        RegisterSimulation.withReadValue(
            h, last.completion().get().index(), RegisterSimulation.NEVER_WRITTEN);
    start = System.nanoTime();
    Verdict invalid = checker.check(mutated);
    long invalidMillis = (System.nanoTime() - start) / 1_000_000;

    long states = valid.keys().stream().mapToLong(KeyResult::statesExplored).sum();
    System.out.printf(
        "history: %d events, %d operations on %d keys, %d indeterminate%n",
        h.size(), ops.size(), h.keys().size(), indeterminate);
    System.out.printf(
        "check (valid):   %s in %d ms, %d states%n", valid.outcome(), validMillis, states);
    System.out.printf(
        "check (mutated): %s in %d ms, %d states%n",
        invalid.outcome(),
        invalidMillis,
        invalid.keys().stream().mapToLong(KeyResult::statesExplored).sum());
    return new Result(valid, invalid, indeterminate);
  }
}
