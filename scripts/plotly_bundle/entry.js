// plotly.js core with only the trace types the dashboard draws (scatter is part of the core).
// Keep this list in step with TRACE_TYPES in src/trust_minerals/web/charts.py; a test checks that
// every figure the pages build uses one of them.
'use strict';
var Plotly = require('plotly.js/lib/core');
Plotly.register([
    require('plotly.js/lib/bar'),
    require('plotly.js/lib/histogram'),
    require('plotly.js/lib/choropleth'),
    require('plotly.js/lib/sankey'),
    require('plotly.js/lib/sunburst'),
]);
module.exports = Plotly;
