package dev.layercache.sql.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.layercache.sql.internal.SqlAnalysis.Kind;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** How transaction and session statements written as SQL are classified. */
class TransactionStatementAnalysisTest {
  private final SqlAnalyzer analyzer = new SqlAnalyzer(100, Set.of(), "/*+cache*/", "/*+nocache*/");

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "BEGIN | BEGIN",
        "begin work; | BEGIN",
        "BEGIN ISOLATION LEVEL REPEATABLE READ | BEGIN",
        "START TRANSACTION READ WRITE | BEGIN",
        "START TRANSACTION WITH CONSISTENT SNAPSHOT | BEGIN",
        "BEGIN; UPDATE t SET a = 1 | UNKNOWN_WRITE",
        "START TRANSACTION; DELETE FROM t | UNKNOWN_WRITE",
        "BEGIN NOT ATOMIC UPDATE t SET a = 1; END | UNKNOWN_WRITE",
        "COMMIT | END_TRANSACTION",
        "ROLLBACK | END_TRANSACTION",
        "ROLLBACK TO SAVEPOINT s1 | SAVEPOINT",
        "rollback work to s1 | SAVEPOINT",
        "SAVEPOINT s1 | SAVEPOINT",
        "RELEASE SAVEPOINT s1 | SAVEPOINT",
        "SET autocommit = 0 | TRANSACTION_MODE",
        "SET @@autocommit = 1 | TRANSACTION_MODE",
        "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE | TRANSACTION_MODE",
        "SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL SERIALIZABLE | TRANSACTION_MODE",
        "SET autocommit = 1; DELETE FROM t | UNKNOWN_WRITE",
        "SET search_path = other | SESSION",
        "SET x = 1; DELETE FROM t | UNKNOWN_WRITE",
      })
  void classifiedAs(String sql, Kind kind) {
    assertThat(analyzer.analyze(sql.strip()).kind()).as(sql).isEqualTo(kind);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "WITH d AS (DELETE FROM a WHERE id = 1 RETURNING id) INSERT INTO b SELECT id FROM d",
        "WITH u AS (UPDATE a SET v = 1 RETURNING id) SELECT count(*) FROM u",
        "WITH u AS (UPDATE a SET v = 1 RETURNING id) UPDATE b SET v = 2",
      })
  void dataModifyingCte_writesEveryTableItModifies(String sql) {
    SqlAnalysis a = analyzer.analyze(sql);
    assertThat(a.kind()).as(sql).isIn(Kind.WRITE, Kind.UNKNOWN_WRITE);
    if (a.kind() == Kind.WRITE) {
      assertThat(a.writtenTables()).extracting(SqlAnalysis.TableName::table).as(sql).contains("a");
    }
  }
}
