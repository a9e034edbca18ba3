package dev.tandem.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PasswordsTest {

    @TempDir
    Path dir;

    @Test
    void resolve_namedVariable_isUsed() {
        Passwords.Resolved r = Passwords.resolve("DB_PW", null, Map.of("DB_PW", "s3cret", "TANDEM_PASSWORD", "other"));
        assertThat(r.password()).isEqualTo("s3cret");
        assertThat(r.source()).isEqualTo("environment variable DB_PW");
    }

    @Test
    void resolve_namedVariableUnset_rejected() {
        assertThatThrownBy(() -> Passwords.resolve("DB_PW", null, Map.of("TANDEM_PASSWORD", "other")))
                .isInstanceOf(UsageException.class)
                .hasMessage("The environment variable DB_PW named by --password-env is not set; set it to the"
                        + " database password, or name another with --password-env");
    }

    @Test
    void resolve_namedVariableEmpty_rejected() {
        assertThatThrownBy(() -> Passwords.resolve("DB_PW", null, Map.of("DB_PW", "")))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining("DB_PW named by --password-env is empty");
    }

    @Test
    void resolve_defaults_tandemPasswordBeforePgPassword() {
        assertThat(Passwords.resolve(null, null, Map.of("TANDEM_PASSWORD", "a", "PGPASSWORD", "b"))
                        .password())
                .isEqualTo("a");
        Passwords.Resolved pg = Passwords.resolve(null, null, Map.of("PGPASSWORD", "b"));
        assertThat(pg.password()).isEqualTo("b");
        assertThat(pg.source()).isEqualTo("environment variable PGPASSWORD");
    }

    @Test
    void resolve_nothingGiven_connectsWithoutPassword() {
        Passwords.Resolved r = Passwords.resolve(null, null, Map.of());
        assertThat(r.password()).isNull();
        assertThat(r.source()).isEqualTo("none");
    }

    @Test
    void resolve_file_trailingLineBreakIgnored() throws Exception {
        Path f = dir.resolve("pw");
        Files.writeString(f, "p\u00e4ss word\n", StandardCharsets.UTF_8);
        Passwords.Resolved r = Passwords.resolve(null, f, Map.of("TANDEM_PASSWORD", "env"));
        assertThat(r.password()).isEqualTo("p\u00e4ss word");
        assertThat(r.source()).isEqualTo("file " + f);
        Files.writeString(f, "crlf\r\n", StandardCharsets.UTF_8);
        assertThat(Passwords.resolve(null, f, Map.of()).password()).isEqualTo("crlf");
        Files.writeString(f, "two\n\n", StandardCharsets.UTF_8);
        assertThat(Passwords.resolve(null, f, Map.of()).password()).isEqualTo("two\n");
    }

    @Test
    void resolve_missingFile_rejected() {
        Path f = dir.resolve("absent");
        assertThatThrownBy(() -> Passwords.resolve(null, f, Map.of()))
                .isInstanceOf(UsageException.class)
                .hasMessage("The password file " + f + " (--password-file) does not exist");
    }

    @Test
    void resolve_emptyFile_rejected() throws Exception {
        Path f = dir.resolve("empty");
        Files.writeString(f, "\n", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> Passwords.resolve(null, f, Map.of()))
                .isInstanceOf(UsageException.class)
                .hasMessage("The password file " + f + " (--password-file) is empty");
    }

    @Test
    void resolve_directoryAsFile_rejected() {
        assertThatThrownBy(() -> Passwords.resolve(null, dir, Map.of()))
                .isInstanceOf(UsageException.class)
                .hasMessageStartingWith("Cannot read the password file " + dir + " (--password-file): ");
    }

    @Test
    void resolve_bothOptions_rejected() {
        assertThatThrownBy(() -> Passwords.resolve("X", dir.resolve("pw"), Map.of("X", "x")))
                .isInstanceOf(UsageException.class)
                .hasMessage("Give the password with --password-env or with --password-file, not both");
    }

    @Test
    void resolved_toString_neverShowsThePassword() {
        assertThat(new Passwords.Resolved("hunter2", "environment variable X").toString())
                .isEqualTo("password from environment variable X")
                .doesNotContain("hunter2");
    }
}
