package dev.tandem.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.cli.ExitCodes;
import dev.tandem.postgres.OldVersionGuard;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Parsing and the failures found before anything connects; no database. */
class CliTest {

    /** Nothing listens on port 1: a command that gets as far as connecting fails with exit 1. */
    private static final String NO_SERVER = "jdbc:postgresql://127.0.0.1:1/none?connectTimeout=2";

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final Map<String, String> env = new HashMap<>();

    @TempDir
    Path dir;

    private Io io() {
        return new Io(
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                env,
                null,
                System::nanoTime);
    }

    private RootCommand parse(String... args) {
        CommandLine cl = Cli.commandLine(io());
        var unused = cl.parseArgs(args);
        return cl.getCommand();
    }

    private Settings settings(String... args) {
        return Settings.resolve(parse(args), env);
    }

    private int run(String... args) {
        return Cli.execute(io(), args);
    }

    private String stdout() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private JsonNode json() throws Exception {
        return new ObjectMapper().readTree(stdout());
    }

    @Test
    void options_beforeOrAfterTheCommand_reachTheSameSettings() {
        Settings before = settings("--url", "jdbc:postgresql://a/b", "--lock-timeout", "2s", "status");
        Settings after = settings("status", "--url", "jdbc:postgresql://a/b", "--lock-timeout", "2s");
        assertThat(before.url()).isEqualTo("jdbc:postgresql://a/b");
        assertThat(after.url()).isEqualTo("jdbc:postgresql://a/b");
        assertThat(before.options().lockTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(after.options().lockTimeout()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void options_mapToPostgresOptions() {
        Settings s = settings(
                "--url=jdbc:postgresql://db/shop",
                "--user=migrator",
                "--schema=shop",
                "--state-schema=tandem_state",
                "--lock-timeout=750ms",
                "--lock-retry-deadline=PT5M",
                "--runner-lock-wait=30s",
                "--application-name=tandem-ci",
                "--old-version-app-name=shop-v1%",
                "--old-version-app-name=reports-2025%",
                "--old-version-role=shop_v1",
                "--progress-interval=1m",
                "contract",
                "p");
        assertThat(s.user()).isEqualTo("migrator");
        assertThat(s.options().defaultSchema().value()).isEqualTo("shop");
        assertThat(s.options().stateSchema().value()).isEqualTo("tandem_state");
        assertThat(s.options().lockTimeout()).isEqualTo(Duration.ofMillis(750));
        assertThat(s.options().lockRetryDeadline()).isEqualTo(Duration.ofMinutes(5));
        assertThat(s.options().runnerLockWait()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.options().applicationName()).isEqualTo("tandem-ci");
        assertThat(s.options().oldVersionGuard())
                .isEqualTo(new OldVersionGuard(List.of("shop-v1%", "reports-2025%"), List.of("shop_v1")));
        assertThat(s.progressInterval()).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void options_repeatableOnBothSidesOfTheCommand_allKept() {
        Settings s = settings(
                "--url=jdbc:postgresql://db/shop",
                "--old-version-app-name=a%",
                "status",
                "--old-version-app-name=b%",
                "--plans=x.jar");
        assertThat(s.options().oldVersionGuard().applicationNames()).containsExactly("a%", "b%");
        assertThat(s.plans()).containsExactly("x.jar");
    }

    @Test
    void defaults_whenNothingGiven() {
        env.put("TANDEM_URL", "jdbc:postgresql://db/shop");
        Settings s = settings("status");
        assertThat(s.user()).isNull();
        assertThat(s.password().password()).isNull();
        assertThat(s.options().runnerLockWait()).isZero();
        assertThat(s.options().oldVersionGuard().isNone()).isTrue();
        assertThat(s.progressInterval()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void environment_fillsWhatTheCommandLineLeavesOut() {
        env.put("TANDEM_URL", "jdbc:postgresql://env/db");
        env.put("TANDEM_USER", "envuser");
        env.put("TANDEM_PASSWORD", "pw");
        env.put("TANDEM_PLANS", "a.jar");
        env.put("TANDEM_SCHEMA", "envschema");
        env.put("TANDEM_LOCK_TIMEOUT", "1s");
        env.put("TANDEM_RUNNER_LOCK_WAIT", "PT3S");
        env.put("TANDEM_OLD_VERSION_APP_NAME", "shop-v1%, legacy%");
        env.put("TANDEM_OLD_VERSION_ROLE", "shop_v1");
        Settings s = settings("status");
        assertThat(s.url()).isEqualTo("jdbc:postgresql://env/db");
        assertThat(s.user()).isEqualTo("envuser");
        assertThat(s.password().password()).isEqualTo("pw");
        assertThat(s.plans()).containsExactly("a.jar");
        assertThat(s.options().defaultSchema().value()).isEqualTo("envschema");
        assertThat(s.options().lockTimeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(s.options().runnerLockWait()).isEqualTo(Duration.ofSeconds(3));
        assertThat(s.options().oldVersionGuard())
                .isEqualTo(new OldVersionGuard(List.of("shop-v1%", "legacy%"), List.of("shop_v1")));

        Settings flags = settings("status", "--url=jdbc:postgresql://flag/db", "--user=flaguser", "--lock-timeout=2s");
        assertThat(flags.url()).isEqualTo("jdbc:postgresql://flag/db");
        assertThat(flags.user()).isEqualTo("flaguser");
        assertThat(flags.options().lockTimeout()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void environment_badDuration_namesTheVariable() {
        env.put("TANDEM_URL", "jdbc:postgresql://env/db");
        env.put("TANDEM_LOCK_RETRY_DEADLINE", "soon");
        assertThatThrownBy(() -> settings("status"))
                .isInstanceOf(UsageException.class)
                .hasMessage("The environment variable TANDEM_LOCK_RETRY_DEADLINE: 'soon' is not a duration; "
                        + Durations.FORMS);
    }

    @Test
    void url_missing_usageError() {
        assertThat(run("status")).isEqualTo(ExitCodes.USAGE);
        assertThat(stderr())
                .contains("tandem status: USAGE (exit 2): No database given: set --url (or TANDEM_URL) to a JDBC URL"
                        + " such as jdbc:postgresql://db:5432/shop");
        assertThat(stdout()).isEmpty();
    }

    @Test
    void url_notPostgres_usageErrorMasksThePassword() {
        assertThatThrownBy(() -> settings("--url", "jdbc:mysql://db/x?user=a&password=hunter2", "status"))
                .isInstanceOf(UsageException.class)
                .hasMessage("--url must be a PostgreSQL JDBC URL starting with jdbc:postgresql:, such as"
                        + " jdbc:postgresql://db:5432/shop; got 'jdbc:mysql://db/x?user=a&password=***'");
    }

    @Test
    void lockTimeout_belowTheLibraryMinimum_namesTheOption() {
        assertThatThrownBy(() -> settings("--url", NO_SERVER, "--lock-timeout", "5ms", "status"))
                .isInstanceOf(UsageException.class)
                .hasMessage("--lock-timeout: lockTimeout must be at least PT0.01S but was PT0.005S");
    }

    @Test
    void oldVersionPattern_matchingEverything_rejected() {
        assertThatThrownBy(() -> settings("--url", NO_SERVER, "--old-version-app-name", "%", "status"))
                .isInstanceOf(UsageException.class)
                .hasMessageStartingWith("--old-version-app-name/--old-version-role: An old-version application_name"
                        + " pattern must name something, not '%'");
    }

    @Test
    void badDuration_usageErrorNamingTheOption() {
        assertThat(run("status", "--url", NO_SERVER, "--runner-lock-wait", "3q"))
                .isEqualTo(ExitCodes.USAGE);
        assertThat(stderr())
                .startsWith("tandem: Invalid value for option '--runner-lock-wait': '3q' is not a duration; "
                        + Durations.FORMS);
    }

    @Test
    void unknownOption_usageErrorWithJson() throws Exception {
        assertThat(run("--json", "status", "--password", "x")).isEqualTo(ExitCodes.USAGE);
        JsonNode error = json().get("error");
        assertThat(error.get("kind").asText()).isEqualTo("usage");
        assertThat(error.get("exitCode").asInt()).isEqualTo(2);
        assertThat(error.get("message").asText()).contains("--password");
    }

    @Test
    void noCommand_usageError() {
        assertThat(run()).isEqualTo(ExitCodes.USAGE);
        assertThat(stderr())
                .contains("Missing command: give one of status, explain, expand, backfill, verify, contract,"
                        + " rollback, run-to");
    }

    @Test
    void unknownCommand_suggestsTheClosest() {
        assertThat(run("statsu")).isEqualTo(ExitCodes.USAGE);
        assertThat(stderr()).contains("Did you mean: tandem status?");
    }

    @Test
    void missingPlanId_usageError() {
        assertThat(run("backfill", "--url", NO_SERVER)).isEqualTo(ExitCodes.USAGE);
        assertThat(stderr()).contains("Missing required parameter: '<plan>'");
    }

    @Test
    void runTo_badTarget_listsTheTargets() {
        assertThat(run("run-to", "DONE", "--url", NO_SERVER)).isEqualTo(ExitCodes.USAGE);
        assertThat(stderr()).contains("expected one of [EXPANDED, BACKFILLED, VERIFIED, CONTRACTED]");
    }

    @Test
    void runTo_targetIsCaseInsensitive() {
        CommandLine cl = Cli.commandLine(io());
        CommandLine.ParseResult parsed = cl.parseArgs("run-to", "verified", "p1");
        Commands.RunTo runTo = parsed.subcommand().commandSpec().commandLine().getCommand();
        assertThat(runTo.target).isEqualTo(Commands.Target.VERIFIED);
        assertThat(runTo.planId).isEqualTo("p1");
    }

    @Test
    void unknownPlan_usageErrorListingTheKnownPlans() throws Exception {
        // the test class path has the example's CustomersPlans; the plan is looked up before anything connects
        assertThat(run("--json", "explain", "nope", "--url", NO_SERVER)).isEqualTo(ExitCodes.USAGE);
        JsonNode error = json().get("error");
        assertThat(error.get("kind").asText()).isEqualTo("usage");
        assertThat(error.get("message").asText())
                .isEqualTo("Unknown plan 'nope'. Known plans: customers-address-split (from the class path (no"
                        + " --plans given))");
        assertThat(json().get("command").asText()).isEqualTo("explain");
    }

    @Test
    void plansPath_missing_usageError() {
        Path absent = dir.resolve("absent.jar");
        assertThat(run("status", "--url", NO_SERVER, "--plans", absent.toString()))
                .isEqualTo(ExitCodes.USAGE);
        assertThat(stderr()).contains("--plans: " + absent + " does not exist; give a jar or a directory of classes");
    }

    @Test
    void plansPath_joinedListAndWildcard_expanded() throws Exception {
        Path lib = Files.createDirectories(dir.resolve("lib"));
        Files.writeString(lib.resolve("b.jar"), "");
        Files.writeString(lib.resolve("a.jar"), "");
        Files.writeString(lib.resolve("notes.txt"), "");
        Path classes = Files.createDirectories(dir.resolve("classes"));
        List<Path> paths =
                PlanSources.paths(List.of(classes + java.io.File.pathSeparator + lib + java.io.File.separator + "*"));
        assertThat(paths).containsExactly(classes, lib.resolve("a.jar"), lib.resolve("b.jar"));
    }

    @Test
    void contract_blankForceReason_usageError() {
        assertThat(run("contract", "customers-address-split", "--force", " ", "--url", NO_SERVER))
                .isEqualTo(ExitCodes.USAGE);
        assertThat(stderr()).contains("--force needs a reason");
    }

    @Test
    void unreachableDatabase_failure() throws Exception {
        assertThat(run("status", "--json", "--url", NO_SERVER)).isEqualTo(ExitCodes.FAILURE);
        JsonNode error = json().get("error");
        assertThat(error.get("kind").asText()).isEqualTo("failed");
        assertThat(error.get("code").asText()).isEqualTo("TANDEM-0200");
    }

    @Test
    void passwordFromFile_neverInTheVerboseLog() throws Exception {
        Path pw = dir.resolve("pw");
        Files.writeString(pw, "planted-secret-4711\n", StandardCharsets.UTF_8);
        env.put("TANDEM_PASSWORD", "planted-secret-0815");
        Settings s = settings(
                "--url", NO_SERVER + "&password=planted-secret-42", "--password-file", pw.toString(), "status");
        assertThat(s.password().password()).isEqualTo("planted-secret-4711");
        assertThat(s.toString()).doesNotContain("planted-secret").contains("password from file " + pw);
    }

    @Test
    void help_listsCommandsAndExitCodes() {
        assertThat(run("--help")).isEqualTo(ExitCodes.OK);
        assertThat(stdout())
                .contains("status", "explain", "expand", "backfill", "verify", "contract", "rollback", "run-to")
                .contains("Exit codes:", "  3  refused:", "  4  blocked:");
    }

    @Test
    void help_ofACommand_hasTheSharedOptions() {
        assertThat(run("contract", "--help")).isEqualTo(ExitCodes.OK);
        assertThat(stdout()).contains("--force=<reason>", "--url=<jdbc-url>", "Exit codes:");
    }

    @Test
    void version_printed() {
        assertThat(run("--version")).isEqualTo(ExitCodes.OK);
        assertThat(stdout()).startsWith("tandem ");
    }
}
