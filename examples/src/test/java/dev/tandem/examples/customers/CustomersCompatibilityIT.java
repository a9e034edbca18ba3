package dev.tandem.examples.customers;

import dev.tandem.testkit.AppRole;
import dev.tandem.testkit.AppVersion;
import dev.tandem.testkit.CompatibilityHarness;
import dev.tandem.testkit.TandemTest;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * The compatibility test of the customers/address story, written with the test kit's harness as a user would write
 * it: the real {@link AddressSplitPlan}, the real {@link AppV1} and {@link AppV2} (jOOQ), and the tutorial's schema.
 * The harness walks every state of the plan (before expand, expanded, backfilling with version 1 writing, backfilled and
 * verified, contracted, rolled back from expanded and from backfilled), runs each version where the plan's status says
 * it may run (version 1 until contract, version 2 once the backfill is complete), and checks that each reads what the
 * other wrote and what the other changed.
 *
 * <p>Each version connects as its own database role, as two deployments would, with only the privileges a DBA granted
 * on the version 1 schema; version 1's servers run in another time zone, and version 2's driver prepares statements on
 * the server from their first use. Both declare the lookup that must keep using {@code idx_customers_email}.
 */
@TandemTest
class CustomersCompatibilityIT {

    /**
     * A customer the seed created. Operations change seed rows, never the records the harness has the versions write:
     * it checks those against what their writer read back.
     */
    static final long SEEDED = 1;

    /** What a DBA granted each version's role on the version 1 schema. */
    static AppRole role(String name) {
        return AppRole.named(name)
                .grant("SELECT, INSERT, UPDATE, DELETE ON customers")
                .grant("USAGE ON SEQUENCE customers_id_seq");
    }

    @Test
    void addressSplit_bothVersionsWorkAtEveryState(CompatibilityHarness harness) {
        // The harness names each record it has a version write with a key; the apps identify customers by id.
        Map<String, Long> ids = new ConcurrentHashMap<>();

        harness.check(AddressSplitPlan.plan())
                .schema(CustomersSchema::create)
                // Well-formed addresses only: a malformed one is recorded as unmapped and, rightly, refuses contract.
                .seed(ds -> CustomersSchema.seed(ds, CustomersSchema.Seed.wellFormed(200)))
                .oldVersion(v1(ids))
                .newVersion(v2(ids))
                .assertCompatible();
    }

    /** Version 1 as the harness drives it: its own operations, and a customer's address as one line of text. */
    static AppVersion v1(Map<String, Long> ids) {
        return AppVersion.named("v1")
                .operation("list customers", ds -> new AppV1(ds).list(20))
                .operation("rename a customer", ds -> new AppV1(ds).updateName(SEEDED, "Renamed by v1"))
                .operation("move a customer", ds -> new AppV1(ds).updateAddress(SEEDED, "9 Elm St, Reno, NV, 89501"))
                .writes(
                        "customer",
                        (ds, key) -> ids.put(
                                key,
                                new AppV1(ds)
                                        .create(
                                                name(key),
                                                email(key),
                                                addressFor(key).toLine())))
                .reads(
                        "customer",
                        (ds, key) -> new AppV1(ds)
                                .get(id(ids, key))
                                .map(AppV1.Customer::address)
                                .orElse(null))
                .changes(
                        "customer",
                        "move",
                        (ds, key) -> new AppV1(ds)
                                .updateAddress(id(ids, key), movedFor(key).toLine()))
                .query("customer by email", "SELECT id, address FROM customers WHERE email = $1")
                .connectsAs(role("customers_v1"))
                .sessionSetting("TimeZone", "America/Chicago");
    }

    /** Version 2 as the harness drives it: the structured address, shown as the same one line for comparison. */
    static AppVersion v2(Map<String, Long> ids) {
        return AppVersion.named("v2")
                .operation("list customers", ds -> new AppV2(ds).list(20))
                .operation("rename a customer", ds -> new AppV2(ds).updateName(SEEDED, "Renamed by v2"))
                .operation(
                        "move a customer",
                        ds -> new AppV2(ds).updateAddress(SEEDED, new Address("9 Elm St", "Reno", "NV", "89501")))
                .writes(
                        "customer",
                        (ds, key) -> ids.put(key, new AppV2(ds).create(name(key), email(key), addressFor(key))))
                .reads(
                        "customer",
                        (ds, key) -> line(new AppV2(ds)
                                .get(id(ids, key))
                                .map(AppV2.Customer::address)
                                .orElse(null)))
                .changes("customer", "move", (ds, key) -> new AppV2(ds).updateAddress(id(ids, key), movedFor(key)))
                .query("customer by email", "SELECT id, city FROM customers WHERE email = $1")
                .connectsAs(role("customers_v2"))
                .connectionProperty("prepareThreshold", "1");
    }

    static Address movedFor(String key) {
        return new Address(key + " Oak Ave", "Reno", "NV", "89501");
    }

    static Address addressFor(String key) {
        return new Address(key + " Main St", "Springfield", "IL", "62701");
    }

    static String name(String key) {
        return "Customer " + key;
    }

    static String email(String key) {
        return key + "@example.com";
    }

    static long id(Map<String, Long> ids, String key) {
        return Objects.requireNonNull(ids.get(key), () -> "no customer was written for " + key);
    }

    static @Nullable String line(@Nullable Address address) {
        return address == null ? null : address.toLine();
    }
}
