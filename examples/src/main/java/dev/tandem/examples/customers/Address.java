package dev.tandem.examples.customers;

import static java.util.Objects.requireNonNull;

/**
 * A structured postal address, as version 2 of the application reads and writes it.
 *
 * <p>The plan maps it to version 1's {@code address} column as {@code "street, city, state, zip"} and back, so the
 * round trip is exact for parts that have no comma and no surrounding spaces; see {@link #isWellFormed()}.
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @param street street and number, at most 255 characters
 * @param city the city, at most 100 characters
 * @param state the two-letter state code
 * @param zip the ZIP code, at most 10 characters
 */
public record Address(String street, String city, String state, String zip) {

    /**
     * Checks the components.
     *
     * @param street street and number
     * @param city the city
     * @param state the state code
     * @param zip the ZIP code
     */
    public Address {
        requireNonNull(street, "street");
        requireNonNull(city, "city");
        requireNonNull(state, "state");
        requireNonNull(zip, "zip");
    }

    /** {@return the address as version 1 stores it: {@code "street, city, state, zip"}} */
    public String toLine() {
        return street + ", " + city + ", " + state + ", " + zip;
    }

    /**
     * {@return whether every part survives the trip through version 1's {@code address} column unchanged: no part
     * is blank, contains a comma or has surrounding whitespace}
     */
    public boolean isWellFormed() {
        return wellFormedPart(street) && wellFormedPart(city) && wellFormedPart(state) && wellFormedPart(zip);
    }

    private static boolean wellFormedPart(String part) {
        return !part.isBlank() && part.indexOf(',') < 0 && part.strip().equals(part);
    }
}
