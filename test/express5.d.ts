// Express 5 is installed under the alias `express5` (next to Express 4) for the tests and the
// benchmark; the parts they use have the same types as Express 4's.
declare module 'express5' {
  import express = require('express');
  export = express;
}
