"use strict";
/**
 * Device-check entry: what the backend chain picks on this machine (no backend forced unless
 * ACTIVATION_LAB_BACKEND says so), as one JSON line.
 */
const al = require("../../dist/src/index.js");

al.ready().then(
  (info) => console.log(JSON.stringify(info)),
  (e) => {
    console.log(JSON.stringify({ error: e.message }));
    process.exitCode = 3;
  },
);
