package dev.tandem.examples.customers;

import dev.tandem.DeriveColumns;
import dev.tandem.MigrationPlan;
import dev.tandem.plan.ColumnType;
import dev.tandem.plan.SqlExpression;
import dev.tandem.plan.TableName;
import dev.tandem.plan.UnmappedPolicy;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The migration plan between {@link AppV1} and {@link AppV2}: derive {@code street_address}, {@code city},
 * {@code state} and {@code zip_code} from {@code address}, keep both shapes in sync in the database while both
 * versions run, and drop {@code address} in the contract phase.
 *
 * <ul>
 *   <li><b>Forward</b> (what version 1 writes, as version 2 reads it): part <i>n</i> of the comma-separated address,
 *       trimmed of spaces.
 *   <li><b>Backward</b> (what version 2 writes, as version 1 reads it): the four parts joined with {@code ", "}, or
 *       NULL when all four are NULL. For {@linkplain Address#isWellFormed() well-formed} parts the round trip is
 *       exact: forward(backward(parts)) gives the same parts.
 *   <li><b>Mappable</b> only when the address has exactly four non-empty comma-separated parts, the street fits
 *       {@code varchar(255)}, the city {@code varchar(100)}, the state is two capital letters and the ZIP code has 5
 *       digits with an optional {@code -1234} suffix. Anything else (the malformed addresses of the tutorial's data)
 *       is <b>recorded</b>, never mangled and never a failed write: version 1's write succeeds, the new columns stay
 *       NULL, {@code verify} reports the row and {@code contract} is refused until someone fixes it.
 * </ul>
 *
 * <p>Stateless; the plan is an immutable value.
 */
public final class AddressSplitPlan {
    private AddressSplitPlan() {}

    /** The plan's id, under which Tandem keeps its state. */
    public static final String ID = "customers-address-split";

    /** The table. */
    public static final TableName CUSTOMERS = TableName.of("customers");

    /**
     * The mappability condition, over {@code address}; see {@link #isMappable(String)} for the same rule in Java. Exactly
     * three commas, and each part checked: together that is "exactly four non-empty parts". Counting commas costs a
     * third of the equivalent regular expression {@code ^[^,]+,[^,]+,[^,]+,[^,]+$}, and the condition runs for every row
     * the backfill and verify touch.
     */
    static final String MAPPABLE_SQL = "length(address) - length(replace(address, ',', '')) = 3"
            + " AND char_length(trim(split_part(address, ',', 1))) BETWEEN 1 AND 255"
            + " AND char_length(trim(split_part(address, ',', 2))) BETWEEN 1 AND 100"
            + " AND trim(split_part(address, ',', 3)) ~ '^[A-Z]{2}$'"
            + " AND trim(split_part(address, ',', 4)) ~ '^[0-9]{5}(-[0-9]{4})?$'";

    private static final Pattern STATE = Pattern.compile("[A-Z]{2}");
    private static final Pattern ZIP = Pattern.compile("[0-9]{5}(-[0-9]{4})?");

    /** {@return the operation: four new columns derived from {@code address}, kept in sync both ways} */
    public static DeriveColumns split() {
        return DeriveColumns.on(CUSTOMERS)
                .named("customers.address")
                .from("address")
                .into("street_address", ColumnType.varchar(255), part(1))
                .into("city", ColumnType.varchar(100), part(2))
                .into("state", ColumnType.varchar(2), part(3))
                .into("zip_code", ColumnType.varchar(10), part(4))
                .backward(
                        "address",
                        SqlExpression.trusted("CASE WHEN num_nonnulls(street_address, city, state, zip_code) = 0"
                                + " THEN NULL ELSE concat_ws(', ', street_address, city, state, zip_code) END"))
                .mappableWhen(SqlExpression.trusted(MAPPABLE_SQL))
                .onUnmapped(UnmappedPolicy.RECORD);
    }

    /** {@return the plan: the split, then {@code address} dropped on contract} */
    public static MigrationPlan plan() {
        return MigrationPlan.named(ID)
                .description("Split customers.address into street_address, city, state and zip_code")
                .deriveColumns(split())
                .dropColumn(CUSTOMERS, "address")
                .build();
    }

    /**
     * {@return whether the plan maps {@code address} forward: the plan's condition, evaluated in Java} A NULL address
     * is mappable (to four NULLs), as in the database.
     *
     * @param address version 1's address
     */
    public static boolean isMappable(@Nullable String address) {
        if (address == null) {
            return true;
        }
        if (address.chars().filter(ch -> ch == ',').count() != 3) {
            return false;
        }
        String[] parts = address.split(",", -1);
        int street = codePoints(trimSpaces(parts[0]));
        int city = codePoints(trimSpaces(parts[1]));
        return street >= 1
                && street <= 255
                && city >= 1
                && city <= 100
                && STATE.matcher(trimSpaces(parts[2])).matches()
                && ZIP.matcher(trimSpaces(parts[3])).matches();
    }

    /** PostgreSQL's {@code trim(text)}: spaces only, unlike {@link String#trim()} and {@link String#strip()}. */
    static String trimSpaces(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && s.charAt(start) == ' ') {
            start++;
        }
        while (end > start && s.charAt(end - 1) == ' ') {
            end--;
        }
        return s.substring(start, end);
    }

    private static int codePoints(String s) {
        return s.codePointCount(0, s.length());
    }

    private static SqlExpression part(int n) {
        return SqlExpression.trusted("trim(split_part(address, ',', " + n + "))");
    }
}
