package io.anglespark.prep.issues;

import io.anglespark.prep.JavaSerialization;
import io.anglespark.prep.Outcome;
import io.anglespark.prep.Reason;
import io.anglespark.prep.issues.DuplicateLink.LinkSource;
import io.anglespark.prep.issues.Rfc4180.CsvRecord;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LinksFileTest {

    private static List<Outcome<List<DuplicateLink>>> map(List<CsvRecord> records, String file) {
        LinksFile.Bound b = LinksFile.defaults("hadoop").bind(file, records.get(0).fields());
        return records.subList(1, records.size()).stream().map(r -> b.map(r.fields())).toList();
    }

    /*
     * python3 (csv.reader, then re.split(r'[,\s]+') on the second field): 126 rows, 127 directed links, none to
     * itself, 127 distinct; 5 have no reverse row; 66 undirected pairs; all 129 ids are among the 2503 report ids.
     */
    @Test
    void realHadoopLinks126RowsGive127DirectedLinks66PairsAllPresent() {
        List<Outcome<List<DuplicateLink>>> rows = map(IssueData.hadoopLinks(), IssueData.HADOOP_LINKS);
        assertEquals(126, rows.size());
        List<DuplicateLink> links = rows.stream().flatMap(o -> IssueData.accepted(o).stream()).toList();
        assertEquals(127, links.size());
        assertEquals(127, new HashSet<>(links).size());
        assertTrue(links.stream().noneMatch(DuplicateLink::isSelf));
        assertTrue(links.stream().allMatch(l -> l.source() == LinkSource.LINKS_FILE));

        Set<List<String>> directed = links.stream().map(l -> List.of(l.fromKey(), l.toKey())).collect(Collectors.toSet());
        List<DuplicateLink> noReverse = links.stream().filter(l -> !directed.contains(List.of(l.toKey(), l.fromKey()))).toList();
        assertEquals(5, noReverse.size());
        assertTrue(noReverse.contains(new DuplicateLink("hadoop", "13438913", "hadoop", "13396667", LinkSource.LINKS_FILE)));

        List<List<String>> pairs = DuplicateClusters.directPairs(links.stream().map(DuplicateLink::edge).toList());
        assertEquals(66, pairs.size());
        Set<String> corpus = IssueData.hadoopIssues().stream().map(Issue::key).collect(Collectors.toSet());
        assertTrue(pairs.stream().allMatch(p -> corpus.contains(p.get(0)) && corpus.contains(p.get(1))),
                "both texts of every pair are among the 2503 reports");
        List<DuplicateLink> kept = IssueData.accepted(LinksFile.keepPresent(links, corpus::contains));
        assertEquals(links, kept);
    }

    @Test
    void aMultiValuedTargetFieldGivesOneLinkPerId() {
        List<Outcome<List<DuplicateLink>>> rows = map(IssueData.hadoopLinks(), IssueData.HADOOP_LINKS);
        List<DuplicateLink> multi = rows.stream().map(IssueData::accepted).filter(l -> l.size() > 1).findFirst().orElseThrow();
        assertEquals(List.of(
                new DuplicateLink("hadoop", "13438913", "hadoop", "13547000", LinkSource.LINKS_FILE),
                new DuplicateLink("hadoop", "13438913", "hadoop", "13396667", LinkSource.LINKS_FILE)), multi);
    }

    @Test
    void hostileLinksRowsAreRejectedByName() {
        List<Outcome<List<DuplicateLink>>> o = map(IssueData.csv(IssueData.fixture("links-hostile.csv")), "links-hostile.csv");
        assertEquals(12, o.size());
        assertEquals(List.of(link("101", "102")), IssueData.accepted(o.get(0)));
        assertEquals(List.of(link("103", "999")), IssueData.accepted(o.get(1)), "absence is the corpus's question");
        assertEquals(Reason.SELF_LINK, IssueData.rejected(o.get(2)).reason());
        assertEquals(Reason.Bucket.QUARANTINED, Reason.SELF_LINK.bucket());
        assertEquals(List.of(link("106", "107")), IssueData.accepted(o.get(3)), "a self id mixed with others is left out");
        assertEquals(Reason.MISSING_FIELD, IssueData.rejected(o.get(7)).reason());
        assertEquals("Issue id field (1) is blank", IssueData.rejected(o.get(7)).detail());
        assertEquals("Duplicate id field (2) is blank", IssueData.rejected(o.get(8)).detail());
        assertEquals(Reason.WRONG_FIELD_COUNT, IssueData.rejected(o.get(9)).reason());
        assertEquals(Reason.MALFORMED_RECORD, IssueData.rejected(o.get(10)).reason());

        // the accepted rows: 101-102 (twice, once each way), 103-999, 106-107 and the cycle 110 -> 111 -> 112 -> 110
        List<List<String>> edges = o.stream().filter(Outcome::isAccepted)
                .flatMap(x -> IssueData.accepted(x).stream()).map(DuplicateLink::edge).toList();
        assertEquals(7, edges.size());
        List<List<String>> cycle = DuplicateClusters.members(DuplicateClusters.clusters(edges)).values().stream()
                .filter(m -> m.size() == 3).toList();
        assertEquals(List.of(List.of(key("110"), key("111"), key("112"))), cycle);
        assertEquals(6, DuplicateClusters.directPairs(edges).size());
        assertEquals(6, DuplicateClusters.pairsWithin(DuplicateClusters.clusters(edges)).size());
    }

    private static String key(String id) {
        return DuplicateClusters.key("hadoop", id);
    }

    @Test
    void linksToIssuesAbsentFromTheCorpusAreDroppedPerRow() {
        Set<String> corpus = Set.of("101", "102", "103", "107").stream().map(id -> DuplicateClusters.key("hadoop", id))
                .collect(Collectors.toSet());
        assertEquals(List.of(link("101", "102")), IssueData.accepted(LinksFile.keepPresent(List.of(link("101", "102")), corpus::contains)));
        Outcome<List<DuplicateLink>> missing = LinksFile.keepPresent(List.of(link("103", "999")), corpus::contains);
        assertEquals(Reason.LINK_TARGET_ABSENT, IssueData.rejected(missing).reason());
        assertEquals(Reason.Bucket.DROPPED, Reason.LINK_TARGET_ABSENT.bucket());
        assertTrue(IssueData.rejected(missing).detail().contains("999"), IssueData.rejected(missing).detail());
        assertEquals(List.of(link("103", "107")),
                IssueData.accepted(LinksFile.keepPresent(List.of(link("103", "999"), link("103", "107")), corpus::contains)));
        assertEquals(Reason.LINK_TARGET_ABSENT,
                IssueData.rejected(LinksFile.keepPresent(List.of(link("500", "101")), corpus::contains)).reason(),
                "a link from an absent issue makes no pair either");
    }

    @Test
    void bindNamesFileAndColumnAndTheBoundMapperSurvivesSerialization() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LinksFile.defaults("hadoop").bind("links.csv", List.of("Issue id", "Dup")));
        assertTrue(e.getMessage().contains("links.csv") && e.getMessage().contains("'Duplicate id'"), e.getMessage());
        LinksFile.Bound b = LinksFile.defaults("hadoop").bind("links.csv", List.of("Issue id", "Duplicate id"));
        assertEquals(b.map(List.of("1", "2 3")), JavaSerialization.roundTrip(b).map(List.of("1", "2 3")));
    }

    private static DuplicateLink link(String from, String to) {
        return new DuplicateLink("hadoop", from, "hadoop", to, LinkSource.LINKS_FILE);
    }
}
