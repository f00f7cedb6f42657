/**
 * Pure rules for long-text duplicate pairs from issue trackers: readers for GitHub REST API issue and
 * issue-comment objects ({@link io.anglespark.prep.issues.GitHubIssueReader},
 * {@link io.anglespark.prep.issues.GitHubCommentReader}) and for tracker CSV exports
 * ({@link io.anglespark.prep.issues.TrackerCsvMapping}, {@link io.anglespark.prep.issues.LinksFile}); record
 * splitters for whole files ({@link io.anglespark.prep.issues.JsonRecords},
 * {@link io.anglespark.prep.issues.Rfc4180}); duplicate signals in text and metadata
 * ({@link io.anglespark.prep.issues.DuplicateSignals}); clustering of duplicate links
 * ({@link io.anglespark.prep.issues.DuplicateClusters}); seeded negatives
 * ({@link io.anglespark.prep.issues.NegativeSampler}); length figures
 * ({@link io.anglespark.prep.issues.LengthStats}) and Markdown template stripping
 * ({@link io.anglespark.prep.issues.TemplateStripper}). No Spark here: spark-jobs wires these into a job.
 *
 * <p>An issue is identified across the corpus by its key, {@code project + "\u0001" + id}
 * ({@link io.anglespark.prep.issues.DuplicateClusters#key}). GitHub projects are {@code owner/repo} in lower case
 * (GitHub's names are case-insensitive); tracker projects are the configured name, as written.
 */
package io.anglespark.prep.issues;
