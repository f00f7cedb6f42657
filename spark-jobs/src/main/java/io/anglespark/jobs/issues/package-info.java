/**
 * The issue-pairs job: long-text duplicate pairs from GitHub issue dumps and issue-tracker exports,
 * with duplicate links from every signal (links files, "Duplicate of #N" text, labels, milestones,
 * events), clusters, seeded negatives from the same project, and a split by cluster.
 */
package io.anglespark.jobs.issues;
