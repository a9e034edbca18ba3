package dev.tandem.examples.customers;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What an operator's clean-up script does with the addresses Tandem recorded as unmapped: turn each into the
 * {@code "street, city, ST, zip"} shape the plan maps, or give up. Pure and stateless.
 *
 * <p>It fixes the kinds of damage the tutorial's data has: odd whitespace (no-break spaces, tabs), an apartment as a
 * part of its own, a state spelled out, a missing state where the city tells it, a ZIP code followed by the country, and a
 * street too long for {@code varchar(255)} (shortened at a word boundary).
 */
final class AddressRepair {
    private AddressRepair() {}

    private static final Pattern ODD_SPACE = Pattern.compile("[\\s\\u00A0\\u2007\\u202F]+");
    private static final Pattern UNIT = Pattern.compile("(?i)(apt|apartment|suite|unit)\\b.*|#.*");
    private static final Pattern COUNTRY = Pattern.compile("(?i)us|usa|united states");
    private static final Pattern TWO_LETTERS = Pattern.compile("[A-Za-z]{2}");
    /** A ZIP code, possibly followed by a country code, which is dropped. */
    private static final Pattern ZIP = Pattern.compile("([0-9]{5}(-[0-9]{4})?)( +(?i:us|usa))?");

    private static final int MAX_STREET = 255;

    /**
     * {@return {@code address} in a shape the plan maps, or empty if it cannot be repaired} An address that is
     * already mappable comes back unchanged.
     *
     * @param address an address the plan does not map
     */
    static Optional<String> repair(String address) {
        if (AddressSplitPlan.isMappable(address)) {
            return Optional.of(address);
        }
        List<String> parts = new ArrayList<>();
        for (String part : ODD_SPACE.matcher(address).replaceAll(" ").split(",", -1)) {
            String p = part.strip();
            if (!p.isEmpty()) {
                parts.add(p);
            }
        }
        if (parts.size() == 5 && COUNTRY.matcher(parts.get(4)).matches()) {
            parts.remove(4);
        }
        if (parts.size() == 5 && UNIT.matcher(parts.get(1)).matches()) {
            parts.set(0, parts.get(0) + " " + parts.remove(1));
        }
        if (parts.size() == 3 && ZIP.matcher(parts.get(2)).matches()) {
            Optional<String> state = AddressGenerator.city(parts.get(1)).map(AddressGenerator.City::state);
            if (state.isEmpty()) {
                return Optional.empty();
            }
            parts.add(2, state.get());
        }
        if (parts.size() != 4) {
            return Optional.empty();
        }
        Optional<String> state = state(parts.get(2));
        Matcher zip = ZIP.matcher(parts.get(3));
        if (state.isEmpty() || !zip.matches()) {
            return Optional.empty();
        }
        String repaired = new Address(shorten(parts.get(0)), parts.get(1), state.get(), zip.group(1)).toLine();
        return AddressSplitPlan.isMappable(repaired) ? Optional.of(repaired) : Optional.empty();
    }

    private static Optional<String> state(String part) {
        if (TWO_LETTERS.matcher(part).matches()) {
            return Optional.of(part.toUpperCase(Locale.ROOT));
        }
        return AddressGenerator.stateCode(part);
    }

    /** Cuts a street that does not fit {@code varchar(255)} at the last space that makes it fit. */
    private static String shorten(String street) {
        if (street.codePointCount(0, street.length()) <= MAX_STREET) {
            return street;
        }
        String cut = street.substring(0, street.offsetByCodePoints(0, MAX_STREET));
        int space = cut.lastIndexOf(' ');
        return (space > 0 ? cut.substring(0, space) : cut).strip();
    }
}
