package dev.tandem.testkit;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The database role an {@link AppVersion} connects as, and the privileges it holds before the migration starts.
 *
 * <pre>{@code
 * AppRole app = AppRole.named("app")
 *     .grant("SELECT, INSERT, UPDATE, DELETE ON customers")
 *     .grant("USAGE ON SEQUENCE customers_id_seq");
 * AppVersion v1 = AppVersion.named("v1").connectsAs(app)...
 * }</pre>
 *
 * <p>On each fresh database of a {@linkplain CompatibilityCheck compatibility check} the harness creates the role if the
 * server does not have it yet ({@code LOGIN}, no superuser, no {@code CREATEDB}, no {@code CREATEROLE}), before the
 * {@linkplain CompatibilityCheck#schema schema} runs, so that the schema may refer to it (for example in {@code ALTER
 * DEFAULT PRIVILEGES ... TO app}). After the schema and the {@linkplain CompatibilityCheck#seed seed} it runs {@code
 * GRANT <privileges> TO <role>} for each {@linkplain #grant grant}, once, on the old schema: what a database
 * administrator gave the application before the deploy. A table, view or sequence the plan creates later is reachable
 * by the role only if the plan (or a default privilege) grants it, as in production.
 *
 * <p>Roles belong to the server, not to one database: the role stays on the test server after the check (its grants go
 * with the dropped database), and two versions, or two checks, naming the same role share it. It logs in with the
 * password {@code tandem-<role>}, which only a test server should ever accept.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class AppRole {
    /** An unquoted PostgreSQL identifier in lower case, at most 63 bytes. */
    private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    private final String name;
    private final List<String> grants;

    private AppRole(String name, List<String> grants) {
        this.name = name;
        this.grants = List.copyOf(grants);
    }

    /**
     * {@return a role with no privileges yet}
     *
     * @param name the role's name: a lower-case unquoted identifier such as {@code app} or {@code billing_v2}, not
     *     {@code public}, not starting with {@code pg_}
     * @throws IllegalArgumentException if the name is not such an identifier
     */
    public static AppRole named(String name) {
        requireNonNull(name, "name");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a role name must be a lower-case identifier of at most 63 characters"
                    + " (letters, digits, underscores), such as app or billing_v2, but was '" + name + "'");
        }
        if (name.equals("public") || name.startsWith("pg_")) {
            throw new IllegalArgumentException(
                    "'" + name + "' is reserved by PostgreSQL; name the application's own role, such as app");
        }
        return new AppRole(name, List.of());
    }

    /**
     * {@return a copy that also holds {@code privileges}; the receiver is unchanged}
     *
     * @param privileges what follows {@code GRANT} and precedes {@code TO}, such as {@code "SELECT, INSERT ON
     *     customers"}, {@code "USAGE ON SEQUENCE customers_id_seq"} or {@code "SELECT ON ALL TABLES IN SCHEMA public"}
     * @throws IllegalArgumentException if it is blank, has no {@code ON}, names a grantee ({@code TO}) or holds a
     *     {@code ;}
     */
    public AppRole grant(String privileges) {
        requireNonNull(privileges, "privileges");
        String upper = " " + privileges.toUpperCase(Locale.ROOT).replaceAll("\\s+", " ") + " ";
        if (privileges.isBlank() || !upper.contains(" ON ") || upper.contains(" TO ") || privileges.contains(";")) {
            throw new IllegalArgumentException("a grant is what follows GRANT and precedes TO, such as"
                    + " \"SELECT, INSERT ON customers\"; the harness adds TO " + name + ", but was '" + privileges
                    + "'");
        }
        List<String> next = new ArrayList<>(grants);
        next.add(privileges.strip());
        return new AppRole(name, next);
    }

    /** {@return the role's name} */
    public String name() {
        return name;
    }

    /** {@return the privileges granted before the migration, in the order they were added} */
    public List<String> grants() {
        return grants;
    }

    /** {@return the password the role logs in with on the test server} */
    public String password() {
        return "tandem-" + name;
    }

    /** {@return the name and the grants} */
    @Override
    public String toString() {
        return "AppRole[" + name + ", grants=" + grants + "]";
    }

    /** {@return whether {@code other} is a role of the same name with the same grants} */
    @Override
    public boolean equals(Object other) {
        return other instanceof AppRole r && r.name.equals(name) && r.grants.equals(grants);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + grants.hashCode();
    }
}
