package dev.tandem.examples.customers;

import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * Generates customer addresses: well-formed ones in the tutorial's {@code "street, city, ST, zip"} shape, and
 * malformed ones of the kinds the tutorial's data really holds (each of them aborted the tutorial's one-transaction
 * expand; see {@code seed-app.md} A3). Pure: the same random sequence gives the same addresses. Thread-safe as long as
 * each thread brings its own random generator.
 */
final class AddressGenerator {
    private AddressGenerator() {}

    /** What is wrong with a malformed address. */
    enum Malformation {
        /** {@code "12 Oak St, Springfield, 62701"}: three parts, the ZIP code lands in {@code state}. */
        MISSING_STATE,
        /** {@code "123 Main St, Apt 4, Springfield, IL, 62701"}: five parts, the parts shift. */
        FIVE_PARTS,
        /** {@code "1 A St, Los Angeles, California, 90001"}: too long for {@code varchar(2)}. */
        STATE_SPELLED_OUT,
        /** {@code "1 A St, Los Angeles, CA, 90001-1234 US"}: too long for {@code varchar(10)}. */
        LONG_ZIP,
        /** A no-break space before the state: {@code trim()} keeps it, so the state has three characters. */
        NBSP_BEFORE_STATE,
        /** A street part longer than {@code varchar(255)}. */
        LONG_STREET
    }

    /**
     * A city the generator uses.
     *
     * @param name the city
     * @param state its two-letter state code
     * @param stateName the state's name
     * @param zipPrefix the first three digits of its ZIP codes
     */
    record City(String name, String state, String stateName, String zipPrefix) {}

    static final List<City> CITIES = List.of(
            new City("New York", "NY", "New York", "100"),
            new City("Los Angeles", "CA", "California", "900"),
            new City("Chicago", "IL", "Illinois", "606"),
            new City("Houston", "TX", "Texas", "770"),
            new City("Phoenix", "AZ", "Arizona", "850"),
            new City("Philadelphia", "PA", "Pennsylvania", "191"),
            new City("San Diego", "CA", "California", "921"),
            new City("Dallas", "TX", "Texas", "752"),
            new City("Boston", "MA", "Massachusetts", "021"),
            new City("Denver", "CO", "Colorado", "802"),
            new City("Seattle", "WA", "Washington", "981"),
            new City("Miami", "FL", "Florida", "331"),
            new City("Atlanta", "GA", "Georgia", "303"),
            new City("Portland", "OR", "Oregon", "972"),
            new City("Springfield", "IL", "Illinois", "627"));

    private static final List<String> STREET_NAMES =
            List.of("Main", "Oak", "Pine", "Elm", "Maple", "Cedar", "Washington", "Lake", "Hill", "Park", "Sunset");
    private static final List<String> STREET_SUFFIXES = List.of("St", "Ave", "Rd", "Dr", "Blvd", "Ln");
    private static final List<String> LONG_STREET_WORDS = List.of(
            "Old",
            "Mill",
            "Business",
            "Park",
            "Building",
            "Loading",
            "Dock",
            "Entrance",
            "Behind",
            "The",
            "Warehouse",
            "Next",
            "To",
            "Gate",
            "North",
            "Wing");

    /**
     * {@return a well-formed address: four parts, a two-letter state, a 5-digit ZIP code (one in ten with the +4
     * suffix)}
     *
     * @param random the source of randomness
     */
    static Address wellFormed(RandomGenerator random) {
        City city = pick(random, CITIES);
        String street =
                (1 + random.nextInt(9_999)) + " " + pick(random, STREET_NAMES) + " " + pick(random, STREET_SUFFIXES);
        String zip = city.zipPrefix() + digits(random.nextInt(100), 2);
        if (random.nextInt(10) == 0) {
            zip += "-" + digits(random.nextInt(10_000), 4);
        }
        return new Address(street, city.name(), city.state(), zip);
    }

    /**
     * {@return a malformed address of a random kind}
     *
     * @param random the source of randomness
     */
    static String malformed(RandomGenerator random) {
        Malformation[] kinds = Malformation.values();
        return malformed(random, kinds[random.nextInt(kinds.length)]);
    }

    /**
     * {@return a malformed address of the given kind}
     *
     * @param random the source of randomness
     * @param kind what is wrong with it
     */
    static String malformed(RandomGenerator random, Malformation kind) {
        Address a = wellFormed(random);
        City city = city(a.city()).orElseThrow();
        return switch (kind) {
            case MISSING_STATE -> a.street() + ", " + a.city() + ", " + a.zip();
            case FIVE_PARTS ->
                a.street() + ", Apt " + (1 + random.nextInt(40)) + ", " + a.city() + ", " + a.state() + ", " + a.zip();
            case STATE_SPELLED_OUT -> a.street() + ", " + a.city() + ", " + city.stateName() + ", " + a.zip();
            case LONG_ZIP ->
                a.street() + ", " + a.city() + ", " + a.state() + ", " + a.zip().substring(0, 5) + "-"
                        + digits(random.nextInt(10_000), 4) + " US";
            case NBSP_BEFORE_STATE -> a.street() + ", " + a.city() + ", \u00A0" + a.state() + ", " + a.zip();
            case LONG_STREET -> longStreet(random) + ", " + a.city() + ", " + a.state() + ", " + a.zip();
        };
    }

    /**
     * {@return the generator's city of that name}
     *
     * @param name the city's name, exactly
     */
    static Optional<City> city(String name) {
        return CITIES.stream().filter(c -> c.name().equals(name)).findFirst();
    }

    /**
     * {@return the two-letter code of a state the generator knows, by name, ignoring case}
     *
     * @param name the state's name, such as {@code California}
     */
    static Optional<String> stateCode(String name) {
        return CITIES.stream()
                .filter(c -> c.stateName().equalsIgnoreCase(name))
                .map(City::state)
                .findFirst();
    }

    private static String longStreet(RandomGenerator random) {
        StringBuilder street = new StringBuilder().append(1 + random.nextInt(999));
        int length = 260 + random.nextInt(80);
        while (street.length() < length) {
            street.append(' ').append(pick(random, LONG_STREET_WORDS));
        }
        return street.toString();
    }

    /** {@code n} with leading zeros to {@code width} digits; {@code String.format} is slow when seeding millions. */
    static String digits(int n, int width) {
        String s = Integer.toString(n);
        return s.length() >= width ? s : "0".repeat(width - s.length()) + s;
    }

    private static <T> T pick(RandomGenerator random, List<T> values) {
        return values.get(random.nextInt(values.size()));
    }
}
