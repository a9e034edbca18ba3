package dev.tandem.examples.customers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.examples.customers.AddressGenerator.Malformation;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class AddressRepairTest {

    @ParameterizedTest
    @EnumSource(Malformation.class)
    void repair_everyGeneratedMalformation_givesAMappableAddress(Malformation kind) {
        SplittableRandom random = new SplittableRandom(5);
        for (int i = 0; i < 1_000; i++) {
            String address = AddressGenerator.malformed(random, kind);
            assertThat(AddressRepair.repair(address))
                    .as(address)
                    .hasValueSatisfying(
                            r -> assertThat(AddressSplitPlan.isMappable(r)).isTrue());
        }
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "1928 Pine St, Chicago, 60637                     | 1928 Pine St, Chicago, IL, 60637",
                "3354 Sunset Ln, Apt 30, Portland, OR, 97281      | 3354 Sunset Ln Apt 30, Portland, OR, 97281",
                "3934 Main Ave, Denver, Colorado, 80219           | 3934 Main Ave, Denver, CO, 80219",
                "4360 Park Blvd, San Diego, CA, 92100-8977 US     | 4360 Park Blvd, San Diego, CA, 92100-8977",
                "1 A St, Town, CA, 90001, USA                     | 1 A St, Town, CA, 90001",
                "'  1 A St  ,  Town  ,  ca  ,  90001  '           | 1 A St, Town, CA, 90001",
            })
    void repair_knownDamage_isUndone(String address, String expected) {
        assertThat(AddressRepair.repair(address)).contains(expected);
    }

    @Test
    void repair_noBreakSpaceBeforeState_isReplaced() {
        assertThat(AddressRepair.repair("12 Oak St, Boston, \u00A0MA, 02118")).contains("12 Oak St, Boston, MA, 02118");
    }

    @Test
    void repair_streetTooLong_isCutAtAWordBoundary() {
        String street = "1 " + "Warehouse ".repeat(30).strip();

        String repaired = AddressRepair.repair(street + ", Miami, FL, 33101").orElseThrow();

        String repairedStreet = repaired.substring(0, repaired.indexOf(','));
        assertThat(repairedStreet).hasSizeLessThanOrEqualTo(255).endsWith("Warehouse");
        assertThat(street).startsWith(repairedStreet);
    }

    @Test
    void repair_mappableAddress_isUnchanged() {
        assertThat(AddressRepair.repair("5 Fifth St, Reno, NV, 89501")).contains("5 Fifth St, Reno, NV, 89501");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "1 A St, Atlantis, 90001",
                "1 A St, Town, Atlantis, 90001",
                "1 A St, Town, CA, ABCDE",
                "1 A St",
                "1 A St，Town，CA，90001",
                "Rua São João 5, São Paulo, SP, 01000-000",
            })
    void repair_damageItCannotUndo_givesUp(String address) {
        assertThat(AddressRepair.repair(address)).isEmpty();
    }
}
