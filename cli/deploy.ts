#!/usr/bin/env node
// `constellation-deploy <address> <entry.ts>`: bundle a program and run it on a cluster (SPEC
// section 6). Until the cluster exists it only says so, with the usage-error status.
process.stderr.write("constellation-deploy: deploying to a cluster is not implemented yet\n");
process.exitCode = 2;
