fn main() {
    // The app embeds the built UI. Say how to make it rather than letting Tauri fail obscurely.
    let dist = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/dist/index.html");
    if !dist.exists() {
        panic!(
            "the UI is not built (ui/dist/index.html is missing): run `cargo xtask ui` (or `cargo xtask run`) first"
        );
    }
    // The product owner keeps tauri.conf.json at the workspace root, where tauri-build does not
    // look by default.
    tauri_build::try_build(tauri_build::Attributes::new().config_path("../tauri.conf.json"))
        .expect("tauri-build failed; see the message above");
}
