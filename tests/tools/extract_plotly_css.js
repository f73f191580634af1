// Extracts the style rules plotly.js would inject at run time, so a strict CSP site can ship them as a file.
const fs = require("fs");
const src = fs.readFileSync(process.argv[2], "utf8");
const start = src.indexOf('{"X,X div":');
let depth = 0, end = start;
for (let i = start; i < src.length; i++) {
  if (src[i] === "{") depth++;
  if (src[i] === "}") { depth--; if (depth === 0) { end = i + 1; break; } }
}
const rules = eval("(" + src.slice(start, end) + ")");
const version = (src.match(/plotly\.js \(basic - minified\) v([0-9.]+)/) || [])[1];
let out = `/* The style rules plotly.js ${version} (basic bundle) injects at run time, extracted from the bundle so the\n   chart page works under a Content-Security-Policy without 'unsafe-inline' styles. Regenerate with\n   node tests/tools/extract_plotly_css.js static/vendor/plotly-basic.min.js > static/vendor/plotly.css */\n`;
for (const key of Object.keys(rules)) {
  const selector = key.replace(/^,/, " ,").replace(/X/g, ".js-plotly-plot .plotly").replace(/Y/g, ".plotly-notifier");
  out += `${selector}{${rules[key]}}\n`;
}
process.stdout.write(out);
