package dev.tandem.postgres;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;

/**
 * Which database sessions belong to the old application version, so that contract can wait until none is left (see
 * {@link PostgresOptions#withOldVersionGuard}). A session matches when its {@code application_name} matches one of the
 * patterns (SQL {@code LIKE}: {@code %} for any run of characters, {@code _} for one) or its role is one of the roles.
 * Only client sessions of the migrator's database count, never Tandem's own.
 *
 * <pre>{@code
 * OldVersionGuard.applicationName("shop-v1%")            // pgjdbc: ?ApplicationName=shop-v1.4.2
 * OldVersionGuard.role("shop_v1").orApplicationName("reports-2025%")
 * }</pre>
 *
 * <p>Why {@code application_name} or a role and not a heartbeat table: PostgreSQL already knows every connected session,
 * idle pooled connections included, and forgets a session the moment it ends; a heartbeat needs the application's
 * code, and a crashed instance's stale beat to expire.
 *
 * @param applicationNames {@code LIKE} patterns for {@code application_name}
 * @param roles role names, exactly as PostgreSQL spells them
 */
public record OldVersionGuard(List<String> applicationNames, List<String> roles) {

    /** No guard: contract does not look for old-version sessions. */
    public static final OldVersionGuard NONE = new OldVersionGuard(List.of(), List.of());

    /**
     * Copies the lists and checks them.
     *
     * @param applicationNames patterns
     * @param roles roles
     * @throws IllegalArgumentException if a pattern or role is blank, or a pattern is only {@code %}
     */
    public OldVersionGuard {
        applicationNames = List.copyOf(applicationNames);
        roles = List.copyOf(roles);
        for (String p : applicationNames) {
            if (p.isBlank() || p.chars().allMatch(ch -> ch == '%')) {
                throw new IllegalArgumentException("An old-version application_name pattern must name something, not '"
                        + p + "': it would match every session, Tandem's own tools included");
            }
        }
        for (String r : roles) {
            if (r.isBlank()) {
                throw new IllegalArgumentException("An old-version role must not be blank");
            }
        }
    }

    /**
     * {@return a guard matching sessions whose {@code application_name} is {@code LIKE} the pattern}
     *
     * @param pattern for example {@code shop-v1%}
     */
    public static OldVersionGuard applicationName(String pattern) {
        return NONE.orApplicationName(pattern);
    }

    /**
     * {@return a guard matching sessions of this role}
     *
     * @param role the role, for example {@code shop_v1}
     */
    public static OldVersionGuard role(String role) {
        return NONE.orRole(role);
    }

    /**
     * {@return this guard, also matching sessions whose {@code application_name} is {@code LIKE} the pattern}
     *
     * @param pattern the pattern
     */
    public OldVersionGuard orApplicationName(String pattern) {
        List<String> names = new ArrayList<>(applicationNames);
        names.add(requireNonNull(pattern, "pattern"));
        return new OldVersionGuard(names, roles);
    }

    /**
     * {@return this guard, also matching sessions of this role}
     *
     * @param role the role
     */
    public OldVersionGuard orRole(String role) {
        List<String> all = new ArrayList<>(roles);
        all.add(requireNonNull(role, "role"));
        return new OldVersionGuard(applicationNames, all);
    }

    /** {@return whether this guard matches nothing, so contract does not check} */
    public boolean isNone() {
        return applicationNames.isEmpty() && roles.isEmpty();
    }

    @Override
    public String toString() {
        if (isNone()) {
            return "none";
        }
        List<String> parts = new ArrayList<>();
        applicationNames.forEach(p -> parts.add("application_name LIKE '" + p + "'"));
        roles.forEach(r -> parts.add("role " + r));
        return String.join(" or ", parts);
    }
}
