// The JupyterLab front end for `make e2e-lab`, after JupyterLab's examples/app (v4.6): the
// application shell plus the core extensions a notebook reader needs. Keep the imports in step
// with package.json's "jupyterlab.extensions" (its schemas and themes are copied from that list).
import { JupyterLab } from "@jupyterlab/application";
import { PageConfig } from "@jupyterlab/coreutils";

// The public path must be set before the CSS assets load (they reference fonts and images).
// biome-ignore lint: a bundler global
__webpack_public_path__ = `${PageConfig.getOption("fullStaticUrl")}/`;

const styles = import("./build/style.js");

// The language-server plugins need jupyter-lsp on the server, which Debian does not package.
const withoutLsp = (plugins) => plugins.default.filter(({ id }) => !id.includes(":language-server"));

const extensions = [
  import("@jupyterlab/application-extension"),
  import("@jupyterlab/apputils-extension"),
  import("@jupyterlab/codemirror-extension"),
  import("@jupyterlab/completer-extension"),
  import("@jupyterlab/docmanager-extension"),
  import("@jupyterlab/documentsearch-extension"),
  import("@jupyterlab/filebrowser-extension"),
  import("@jupyterlab/launcher-extension"),
  import("@jupyterlab/mainmenu-extension"),
  import("@jupyterlab/markedparser-extension"),
  import("@jupyterlab/mathjax-extension"),
  import("@jupyterlab/metadataform-extension"),
  import("@jupyterlab/notebook-extension").then(withoutLsp),
  import("@jupyterlab/rendermime-extension"),
  import("@jupyterlab/shortcuts-extension"),
  import("@jupyterlab/statusbar-extension"),
  import("@jupyterlab/theme-light-extension"),
  import("@jupyterlab/toc-extension"),
  import("@jupyterlab/translation-extension"),
  import("@jupyterlab/ui-components-extension"),
];

window.addEventListener("load", async () => {
  await styles;
  const lab = new JupyterLab({ mimeExtensions: [] });
  lab.registerPluginModules(await Promise.all(extensions));
  // The browser test reads the application's state through this handle, as galata's
  // helper extension does with window.jupyterapp.
  window.jupyterapp = lab;
  await lab.start();
  await lab.restored;
  document.body.dataset.labRestored = "true";
});
