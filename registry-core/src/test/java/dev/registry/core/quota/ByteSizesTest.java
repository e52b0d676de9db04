package dev.registry.core.quota;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ByteSizesTest {

    @ParameterizedTest
    @CsvSource({
            "0, 0 B",
            "1023, 1023 B",
            "1024, 1 KiB",
            "10240, 10 KiB",
            "12000, 11.7 KiB",
            "10485760, 10 MiB",
            "13002342, 12.4 MiB",
            "10737418240, 10 GiB"})
    void byte_counts_read_in_binary_units_with_at_most_one_decimal(long bytes, String expected) {
        assertThat(ByteSizes.format(bytes)).isEqualTo(expected);
    }
}
