package io.mailflow.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/** {@link Utf8#isStrict} accepts exactly what the JDK's reporting UTF-8 decoder (the tree path's check) accepts. */
class Utf8Test {
    /** Bytes at the edges of every range the well-formedness table distinguishes. */
    private static final int[] EDGES = {
        0x00, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF
    };

    private static final CharsetDecoder DECODER = StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);

    private static boolean decoderAccepts(byte[] b) {
        try {
            DECODER.decode(ByteBuffer.wrap(b)); // resets the decoder first
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    private static void assertAgrees(byte[] b) {
        assertThat(Utf8.isStrict(b)).as(java.util.HexFormat.of().formatHex(b)).isEqualTo(decoderAccepts(b));
    }

    @Test
    void agreesOnEverySequenceOfOneAndTwoBytes() {
        for (int a = 0; a < 256; a++) {
            assertAgrees(new byte[] {(byte) a});
            for (int b = 0; b < 256; b++) {
                assertAgrees(new byte[] {(byte) a, (byte) b});
            }
        }
    }

    @Test
    void agreesOnEveryLeadAndSecondByteFollowedByEdgeBytes() {
        for (int a = 0xC0; a < 256; a++) { // the leads of multi-byte sequences (and bytes that cannot lead)
            for (int b = 0; b < 256; b++) {
                for (int c : EDGES) {
                    assertAgrees(new byte[] {(byte) a, (byte) b, (byte) c});
                    if (a == 0xE0 || a == 0xED || a == 0xF0 || a == 0xF1 || a == 0xF4
                            || a == 0xF5) { // leads with a narrowed second byte, and past them
                        for (int d : EDGES) {
                            assertAgrees(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
                        }
                    }
                }
            }
        }
    }

    @Property(tries = 3000)
    void agreesOnRandomBytes(@ForAll byte[] b) {
        assertAgrees(b);
    }

    @Test
    void flagsWhatJacksonsByteParserWouldNotReadAsPlainUtf8() {
        assertThat(Utf8.mayBeDetectedOtherwise(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, '{', '}'}))
                .isTrue();
        assertThat(Utf8.mayBeDetectedOtherwise(new byte[] {0, '{', 0, '}'})).isTrue();
        assertThat(Utf8.mayBeDetectedOtherwise(new byte[] {'{', 0})).isTrue();
        assertThat(Utf8.mayBeDetectedOtherwise("{\"a\":\u0000}".getBytes(StandardCharsets.UTF_8)))
                .isFalse(); // a zero byte past the fourth does not change the encoding Jackson picks
        assertThat(Utf8.mayBeDetectedOtherwise("{}".getBytes(StandardCharsets.UTF_8)))
                .isFalse();
    }
}
