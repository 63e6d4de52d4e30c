#define NR_CPUS 2
