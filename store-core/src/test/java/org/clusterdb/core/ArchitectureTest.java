package org.clusterdb.core;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.clusterdb.core.config.ClusterDbConfig;
import org.clusterdb.core.ratis.RaftNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The layering the style guide asks for, checked on the compiled classes. */
@Timeout(60)
class ArchitectureTest {
  static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.clusterdb.core");
  }

  @Test
  void ratisTypesAppearOnlyInTheRatisAdapter() {
    noClasses()
        .that()
        .resideOutsideOfPackage("org.clusterdb.core.ratis..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("org.apache.ratis..")
        .check(classes);
  }

  @Test
  void applyLogicIsPure() {
    noClasses()
        .that()
        .resideInAPackage("org.clusterdb.core.fsm..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "org.apache.ratis..",
            "org.rocksdb..",
            "java.io..",
            "java.nio.file..",
            "java.net..",
            "java.time..",
            "org.clusterdb.core.storage..",
            "org.clusterdb.core.ratis..")
        .check(classes);
    noClasses()
        .that()
        .resideInAPackage("org.clusterdb.core.fsm..")
        .should()
        .callMethod(System.class, "currentTimeMillis")
        .orShould()
        .callMethod(System.class, "nanoTime")
        .check(classes);
  }

  @Test
  void rocksDbStaysInTheStorageLayer() {
    noClasses()
        .that()
        .resideOutsideOfPackage("org.clusterdb.core.storage..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("org.rocksdb..")
        .check(classes);
  }

  @Test
  void publicSignaturesCarryNoRatisOrShadedTypes() {
    List<String> leaks = new ArrayList<>();
    for (Class<?> type : List.of(ClusterDb.class, RaftNode.class, ClusterDbConfig.class)) {
      for (Method m : type.getDeclaredMethods()) {
        if (!Modifier.isPublic(m.getModifiers())) {
          continue;
        }
        Stream.concat(Stream.of(m.getReturnType()), Arrays.stream(m.getParameterTypes()))
            .filter(t -> t.getName().startsWith("org.apache.ratis"))
            .forEach(t -> leaks.add(type.getSimpleName() + "." + m.getName() + ": " + t));
      }
    }
    assertThat(leaks).isEmpty();
  }
}
