package io.anglespark.prep.pair;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PairKeyTest {

    @Test
    void orderedKeyDependsOnOrder() {
        assertNotEquals(PairKey.ordered("a man", "a dog"), PairKey.ordered("a dog", "a man"));
        assertEquals(PairKey.ordered("a man", "a dog"), PairKey.ordered("a man", "a dog"));
    }

    @Test
    void orderInsensitiveKeyIgnoresOrderAndEqualsTheSortedOrderedKey() {
        assertEquals(PairKey.orderInsensitive("a man", "a dog"), PairKey.orderInsensitive("a dog", "a man"));
        assertEquals(PairKey.ordered("a dog", "a man"), PairKey.orderInsensitive("a man", "a dog"));
        assertEquals(PairKey.ordered("same", "same"), PairKey.orderInsensitive("same", "same"));
    }

    @Test
    void differentSplitsOfTheSameCharactersNeverCollide() {
        assertNotEquals(PairKey.ordered("ab", "c"), PairKey.ordered("a", "bc"));
        assertNotEquals(PairKey.orderInsensitive("ab", "c"), PairKey.orderInsensitive("a", "bc"));
        assertNotEquals(PairKey.ordered("a b", ""), PairKey.ordered("a", "b"));
    }

    @Test
    void textContainingTheSeparatorIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PairKey.ordered("a\u0000b", "c"));
        assertEquals("t1 contains U+0000, which a cleaned text cannot: clean it first", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PairKey.orderInsensitive("a", "\u0000"));
        assertThrows(NullPointerException.class, () -> PairKey.ordered("a", null));
    }
}
