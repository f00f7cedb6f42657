/**
 * Conservation accounting: every row read ends in exactly one bucket (written, quarantined with a
 * reason, or dropped by a named rule), and the job fails naming the input when the buckets do not add
 * up to the rows read.
 */
package io.anglespark.prep.account;
