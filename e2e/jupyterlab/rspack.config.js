// After JupyterLab's examples/app/rspack.config.js (v4.6), tuned for build time: no source maps,
// no minification (the bundle is only ever served to the local browser test).
const data = require("./package.json");
const rspack = require("@rspack/core");
const Build = require("@jupyter/builder").Build;
const miniSVGDataURI = require("mini-svg-data-uri");

// Copies each extension's settings schemas to build/schemas and builds its theme into build/themes;
// writes build/style.js importing every package's CSS.
const extensionAssetConfig = Build.ensureAssets({
  packageNames: data.jupyterlab.extensions,
  output: "./build",
});

module.exports = [
  {
    entry: ["./index.js"],
    output: {
      path: `${__dirname}/build`,
      filename: "bundle.js",
    },
    bail: true,
    devtool: false,
    mode: "development",
    module: {
      rules: [
        // Some dependencies (@jupyter/web-components) import ESM paths without their extension.
        { test: /\.m?js$/, resolve: { fullySpecified: false } },
        { test: /\.css$/, use: ["style-loader", "css-loader"] },
        { test: /\.raw\.css$/, type: "asset/source" },
        { test: /\.html$/, type: "asset/resource" },
        { test: /\.md$/, type: "asset/source" },
        { test: /\.(jpg|png|gif)$/, type: "asset/resource" },
        { test: /\.js.map$/, type: "asset/resource" },
        { test: /\.woff2(\?v=\d+\.\d+\.\d+)?$/, type: "asset" },
        { test: /\.woff(\?v=\d+\.\d+\.\d+)?$/, type: "asset" },
        { test: /\.ttf(\?v=\d+\.\d+\.\d+)?$/, type: "asset" },
        { test: /\.eot(\?v=\d+\.\d+\.\d+)?$/, type: "asset/resource" },
        {
          // In CSS, SVG is inlined as a data URI.
          test: /\.svg(\?v=\d+\.\d+\.\d+)?$/,
          issuer: /\.css$/,
          type: "asset/inline",
          generator: {
            dataUrl: { content: (content) => miniSVGDataURI(content.content), mimetype: "image/svg+xml" },
          },
        },
        {
          // In JavaScript, SVG is imported as a string.
          test: /\.svg(\?v=\d+\.\d+\.\d+)?$/,
          issuer: /\.js$/,
          type: "asset/source",
        },
      ],
    },
    plugins: [
      new rspack.DefinePlugin({
        // for packages calling process.cwd(), like the path polyfill
        process: { cwd: () => "/", env: {} },
      }),
    ],
  },
].concat(extensionAssetConfig);
