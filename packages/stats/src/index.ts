/**
 * Statistics of repeated load-test runs. Per level: n, mean, median, CV and the 95 % confidence interval of the
 * mean (Student's t). Between two servers: the ratio of their geometric means with a 95 % interval from Welch's t on
 * the logarithms (the runs' spread is multiplicative: a VM 5 % slower is 5 % slower at any speed), and a verdict —
 * faster or slower when the interval excludes 1, indistinguishable when it does not, single_run when either side has
 * one run and so no spread to judge by. That verdict in numbers and words, and a mean per CPU or per $/h: pair.ts,
 * shared by the load-test and the benchmark comparisons.
 */

export * from './intervals.ts';
export * from './pair.ts';
