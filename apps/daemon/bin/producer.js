#!/usr/bin/env node
// The producer CLI: see `producer --help`.
import "../dist/cli.js";
