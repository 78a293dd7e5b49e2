//! The floor for `cargo xtask measure`: an empty Tauri window of the same Tauri version, whose
//! page reports its first paint the way the app's UI does (`report_ready` after the next
//! frame), and which prints the same line. The app's start-up and memory are compared with it.

#[tauri::command]
fn report_ready(launched: tauri::State<'_, std::time::Instant>) -> u64 {
    let ms = launched.elapsed().as_millis() as u64;
    eprintln!("elements: agenda on screen {ms} ms after launch");
    ms
}

fn main() {
    let launched = std::time::Instant::now();
    // The same platform set-up as the app.
    elements_app::choose_renderer();
    let result = tauri::Builder::default()
        .manage(launched)
        .invoke_handler(tauri::generate_handler![report_ready])
        .run(tauri::generate_context!("floor/tauri.conf.json"));
    if let Err(e) = result {
        eprintln!("floor: the window failed: {e}");
        std::process::exit(1);
    }
}
