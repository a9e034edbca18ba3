package dev.tandem.spring.boot;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Tandem's settings, under {@code tandem.*}. A setting left unset keeps the default of
 * {@link dev.tandem.postgres.PostgresOptions#defaults()}; what has no property here is changed with a
 * {@link TandemOptionsCustomizer} bean.
 *
 * <pre>{@code
 * tandem.lock-timeout=200ms
 * tandem.runner-lock-wait=30s
 * tandem.old-version.application-names=shop-v1%
 * tandem.backfill-on-startup=true
 * }</pre>
 *
 * <p>A mutable JavaBean, as Spring Boot binds it; not thread-safe, and read only while the context starts.
 */
@ConfigurationProperties("tandem")
public class TandemProperties {

    /** Whether to enable Tandem's auto-configuration. */
    private boolean enabled = true;

    /**
     * Whether to run the expand phase of every pending plan while the application starts, before the beans that use
     * the database. Tandem never contracts on startup.
     */
    private boolean expandOnStartup = true;

    /**
     * Whether to run the backfill of every expanded plan in the background once the application has started. The
     * application serves meanwhile; a backfill stopped by shutdown resumes on the next start.
     */
    private boolean backfillOnStartup = false;

    /** How many plans to backfill at once in the background, at least 1. */
    private int backfillThreads = 1;

    /**
     * How long closing the application waits for a background backfill to stop after its current batch. Each batch
     * is its own transaction, so one that has not stopped by then is only redone on the next start.
     */
    private Duration backfillShutdownTimeout = Duration.ofSeconds(10);

    /** Schema of unqualified table names in the plans. Default: public. */
    private @Nullable String defaultSchema;

    /** Schema of Tandem's own state tables (plans, events, unmapped values). Default: tandem. */
    private @Nullable String stateSchema;

    /**
     * Longest wait of each DDL statement for its table lock ('lock_timeout'), and so the longest any query waits
     * behind it. Default: 500ms.
     */
    private @Nullable Duration lockTimeout;

    /** How long one DDL statement is retried while it keeps hitting its lock timeout. Default: 2m. */
    private @Nullable Duration lockRetryDeadline;

    /**
     * How long to wait for another instance that is running the same plan, before leaving the plan to it. Default:
     * 0 (do not wait).
     */
    private @Nullable Duration runnerLockWait;

    /** 'application_name' of Tandem's database sessions. Default: tandem. */
    private @Nullable String applicationName;

    /**
     * Whether startup fails when another instance holds a pending plan's runner lock. By default this instance logs a
     * warning, leaves the plan to the other instance and starts.
     */
    private boolean failOnLocked = false;

    /** The sessions of the old application version, which contract waits for (contract never runs on startup). */
    private final OldVersion oldVersion = new OldVersion();

    /** {@return whether the auto-configuration is enabled} */
    public boolean isEnabled() {
        return enabled;
    }

    /**
     * Sets whether the auto-configuration is enabled.
     *
     * @param enabled whether it is
     */
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    /** {@return whether pending plans are expanded on startup} */
    public boolean isExpandOnStartup() {
        return expandOnStartup;
    }

    /**
     * Sets whether pending plans are expanded on startup.
     *
     * @param expandOnStartup whether they are
     */
    public void setExpandOnStartup(boolean expandOnStartup) {
        this.expandOnStartup = expandOnStartup;
    }

    /** {@return whether expanded plans are backfilled in the background after startup} */
    public boolean isBackfillOnStartup() {
        return backfillOnStartup;
    }

    /**
     * Sets whether expanded plans are backfilled in the background after startup.
     *
     * @param backfillOnStartup whether they are
     */
    public void setBackfillOnStartup(boolean backfillOnStartup) {
        this.backfillOnStartup = backfillOnStartup;
    }

    /** {@return how many plans are backfilled at once} */
    public int getBackfillThreads() {
        return backfillThreads;
    }

    /**
     * Sets how many plans are backfilled at once.
     *
     * @param backfillThreads at least 1
     * @throws IllegalArgumentException if it is below 1
     */
    public void setBackfillThreads(int backfillThreads) {
        if (backfillThreads < 1) {
            throw new IllegalArgumentException("tandem.backfill-threads must be at least 1 but was " + backfillThreads);
        }
        this.backfillThreads = backfillThreads;
    }

    /** {@return how long shutdown waits for a background backfill to stop} */
    public Duration getBackfillShutdownTimeout() {
        return backfillShutdownTimeout;
    }

    /**
     * Sets how long shutdown waits for a background backfill to stop.
     *
     * @param backfillShutdownTimeout the timeout, not negative
     * @throws IllegalArgumentException if it is negative
     */
    public void setBackfillShutdownTimeout(Duration backfillShutdownTimeout) {
        requireNonNull(backfillShutdownTimeout, "backfillShutdownTimeout");
        if (backfillShutdownTimeout.isNegative()) {
            throw new IllegalArgumentException(
                    "tandem.backfill-shutdown-timeout must not be negative but was " + backfillShutdownTimeout);
        }
        this.backfillShutdownTimeout = backfillShutdownTimeout;
    }

    /** {@return the schema of unqualified table names, or {@code null} for the default} */
    public @Nullable String getDefaultSchema() {
        return defaultSchema;
    }

    /**
     * Sets the schema of unqualified table names.
     *
     * @param defaultSchema the schema, case-sensitive, or {@code null} for the default
     */
    public void setDefaultSchema(@Nullable String defaultSchema) {
        this.defaultSchema = defaultSchema;
    }

    /** {@return the schema of Tandem's state tables, or {@code null} for the default} */
    public @Nullable String getStateSchema() {
        return stateSchema;
    }

    /**
     * Sets the schema of Tandem's state tables.
     *
     * @param stateSchema the schema, case-sensitive, or {@code null} for the default
     */
    public void setStateSchema(@Nullable String stateSchema) {
        this.stateSchema = stateSchema;
    }

    /** {@return the {@code lock_timeout} of each DDL statement, or {@code null} for the default} */
    public @Nullable Duration getLockTimeout() {
        return lockTimeout;
    }

    /**
     * Sets the {@code lock_timeout} of each DDL statement.
     *
     * @param lockTimeout the timeout, or {@code null} for the default
     */
    public void setLockTimeout(@Nullable Duration lockTimeout) {
        this.lockTimeout = lockTimeout;
    }

    /** {@return how long one DDL statement is retried, or {@code null} for the default} */
    public @Nullable Duration getLockRetryDeadline() {
        return lockRetryDeadline;
    }

    /**
     * Sets how long one DDL statement is retried.
     *
     * @param lockRetryDeadline the deadline, or {@code null} for the default
     */
    public void setLockRetryDeadline(@Nullable Duration lockRetryDeadline) {
        this.lockRetryDeadline = lockRetryDeadline;
    }

    /** {@return how long to wait for another runner of the same plan, or {@code null} for the default} */
    public @Nullable Duration getRunnerLockWait() {
        return runnerLockWait;
    }

    /**
     * Sets how long to wait for another runner of the same plan.
     *
     * @param runnerLockWait the wait, or {@code null} for the default
     */
    public void setRunnerLockWait(@Nullable Duration runnerLockWait) {
        this.runnerLockWait = runnerLockWait;
    }

    /** {@return the {@code application_name} of Tandem's sessions, or {@code null} for the default} */
    public @Nullable String getApplicationName() {
        return applicationName;
    }

    /**
     * Sets the {@code application_name} of Tandem's sessions.
     *
     * @param applicationName the name, or {@code null} for the default
     */
    public void setApplicationName(@Nullable String applicationName) {
        this.applicationName = applicationName;
    }

    /** {@return whether startup fails when another instance holds a pending plan's runner lock} */
    public boolean isFailOnLocked() {
        return failOnLocked;
    }

    /**
     * Sets whether startup fails when another instance holds a pending plan's runner lock.
     *
     * @param failOnLocked whether it fails
     */
    public void setFailOnLocked(boolean failOnLocked) {
        this.failOnLocked = failOnLocked;
    }

    /** {@return which sessions belong to the old application version} */
    public OldVersion getOldVersion() {
        return oldVersion;
    }

    /**
     * Which database sessions belong to the old application version ({@code tandem.old-version.*}); see
     * {@link dev.tandem.postgres.OldVersionGuard}. Both lists empty: no guard.
     */
    public static class OldVersion {

        /**
         * 'application_name' patterns (SQL LIKE: % for any run of characters, _ for one) of the old version's
         * sessions, for example shop-v1%.
         */
        private List<String> applicationNames = new ArrayList<>();

        /** Database roles of the old version's sessions, exactly as PostgreSQL spells them. */
        private List<String> roles = new ArrayList<>();

        /** {@return the {@code application_name} patterns} */
        public List<String> getApplicationNames() {
            return applicationNames;
        }

        /**
         * Sets the {@code application_name} patterns.
         *
         * @param applicationNames the patterns
         */
        public void setApplicationNames(List<String> applicationNames) {
            this.applicationNames = new ArrayList<>(applicationNames);
        }

        /** {@return the roles} */
        public List<String> getRoles() {
            return roles;
        }

        /**
         * Sets the roles.
         *
         * @param roles the roles
         */
        public void setRoles(List<String> roles) {
            this.roles = new ArrayList<>(roles);
        }
    }
}
