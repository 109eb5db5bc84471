// Grader side: TeX to MathML with MathJax (npm's mathjax-full), for the feedback pages.
//
// Reads one JSON request per line on stdin, {"tex": "...", "display": true|false}, and writes
// one JSON answer per line: {"mml": "<math ...>...</math>"} or {"error": "..."}. The TeX comes
// from students' notebooks, so only packages that make mathematics are loaded: none that puts
// links, classes, ids or styles into the page (html, bbox, unicode) or loads code (require).
// Run by course/equations.py; nothing here decides a point.
const {mathjax} = require('mathjax-full/js/mathjax.js');
const {TeX} = require('mathjax-full/js/input/tex.js');
const {RegisterHTMLHandler} = require('mathjax-full/js/handlers/html.js');
const {liteAdaptor} = require('mathjax-full/js/adaptors/liteAdaptor.js');
const {STATE} = require('mathjax-full/js/core/MathItem.js');
const {SerializedMmlVisitor} = require('mathjax-full/js/core/MmlTree/SerializedMmlVisitor.js');
require('mathjax-full/js/input/tex/base/BaseConfiguration.js');
require('mathjax-full/js/input/tex/ams/AmsConfiguration.js');
require('mathjax-full/js/input/tex/boldsymbol/BoldsymbolConfiguration.js');
require('mathjax-full/js/input/tex/newcommand/NewcommandConfiguration.js');
require('mathjax-full/js/input/tex/noundefined/NoUndefinedConfiguration.js');
require('mathjax-full/js/input/tex/cancel/CancelConfiguration.js');
require('mathjax-full/js/input/tex/color/ColorConfiguration.js');
require('mathjax-full/js/input/tex/mathtools/MathtoolsConfiguration.js');
const readline = require('readline');

RegisterHTMLHandler(liteAdaptor());
const tex = new TeX({packages: ['base', 'ams', 'boldsymbol', 'newcommand', 'noundefined',
                                'cancel', 'color', 'mathtools']});
const page = mathjax.document('', {InputJax: tex});
const visitor = new SerializedMmlVisitor();

readline.createInterface({input: process.stdin}).on('line', (line) => {
  let answer;
  try {
    const request = JSON.parse(line);
    const node = page.convert(String(request.tex), {display: Boolean(request.display), end: STATE.CONVERT});
    answer = {mml: visitor.visitTree(node, page)};
  } catch (error) {
    answer = {error: String(error && error.message || error)};
  }
  process.stdout.write(JSON.stringify(answer) + '\n');
});
