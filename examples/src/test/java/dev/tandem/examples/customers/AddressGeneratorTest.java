package dev.tandem.examples.customers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.examples.customers.AddressGenerator.Malformation;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class AddressGeneratorTest {

    @Test
    void wellFormed_manySamples_areWellFormedAndMappable() {
        SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < 10_000; i++) {
            Address a = AddressGenerator.wellFormed(random);
            assertThat(a.isWellFormed()).as(a.toString()).isTrue();
            assertThat(AddressSplitPlan.isMappable(a.toLine())).as(a.toLine()).isTrue();
            assertThat(a.state()).hasSize(2);
            assertThat(a.zip().length()).isIn(5, 10);
        }
    }

    @ParameterizedTest
    @EnumSource(Malformation.class)
    void malformed_eachKind_isNeverMappable(Malformation kind) {
        SplittableRandom random = new SplittableRandom(2);
        for (int i = 0; i < 1_000; i++) {
            String address = AddressGenerator.malformed(random, kind);
            assertThat(AddressSplitPlan.isMappable(address)).as(address).isFalse();
        }
    }

    @Test
    void malformed_missingState_hasThreeParts() {
        String address = AddressGenerator.malformed(new SplittableRandom(3), Malformation.MISSING_STATE);

        assertThat(address.split(",", -1)).hasSize(3);
    }

    @Test
    void malformed_fiveParts_hasAnApartmentAsSecondPart() {
        String address = AddressGenerator.malformed(new SplittableRandom(3), Malformation.FIVE_PARTS);

        assertThat(address.split(",", -1)).hasSize(5);
        assertThat(address.split(",", -1)[1]).startsWith(" Apt ");
    }

    @Test
    void malformed_stateSpelledOut_hasAStateName() {
        String address = AddressGenerator.malformed(new SplittableRandom(3), Malformation.STATE_SPELLED_OUT);

        assertThat(AddressGenerator.stateCode(address.split(", ", -1)[2])).isPresent();
    }

    @Test
    void malformed_longZip_doesNotFitVarchar10() {
        String address = AddressGenerator.malformed(new SplittableRandom(3), Malformation.LONG_ZIP);

        assertThat(address.split(", ", -1)[3]).endsWith(" US").hasSizeGreaterThan(10);
    }

    @Test
    void malformed_nbspBeforeState_keepsTheNbspAfterTrim() {
        String address = AddressGenerator.malformed(new SplittableRandom(3), Malformation.NBSP_BEFORE_STATE);

        assertThat(AddressSplitPlan.trimSpaces(address.split(",", -1)[2]))
                .startsWith("\u00A0")
                .hasSize(3);
    }

    @Test
    void malformed_longStreet_doesNotFitVarchar255() {
        String address = AddressGenerator.malformed(new SplittableRandom(3), Malformation.LONG_STREET);

        assertThat(address.split(",", -1)[0].length()).isGreaterThan(255);
    }

    @Test
    void malformed_sameSeed_sameAddresses() {
        SplittableRandom a = new SplittableRandom(7);
        SplittableRandom b = new SplittableRandom(7);
        for (int i = 0; i < 100; i++) {
            assertThat(AddressGenerator.malformed(a)).isEqualTo(AddressGenerator.malformed(b));
        }
    }

    @Test
    void digits_shortNumber_paddedWithZeros() {
        assertThat(AddressGenerator.digits(7, 2)).isEqualTo("07");
        assertThat(AddressGenerator.digits(42, 4)).isEqualTo("0042");
        assertThat(AddressGenerator.digits(12345, 4)).isEqualTo("12345");
    }

    @Test
    void stateCode_nameInAnyCase_givesTheCode() {
        assertThat(AddressGenerator.stateCode("california")).contains("CA");
        assertThat(AddressGenerator.stateCode("Atlantis")).isEmpty();
    }
}
