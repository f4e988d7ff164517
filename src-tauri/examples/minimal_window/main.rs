//! The platform's floor for issue 9's memory target: a bare Tauri window showing one static page,
//! with no app code, no plugins and no commands, built against the same tauri as the app:
//! `cargo build --release -p telltale-app --example minimal_window`. `bench/memory/run.sh`
//! compares the app's idle memory with this window's, in the same run.
//!
//! Its own config (`tauri.conf.json` beside this file) embeds only `page/` and declares no
//! window; the one window, the same size as the app's, is made here.

fn main() {
    let result = tauri::Builder::default()
        .setup(|app| {
            tauri::WebviewWindowBuilder::new(
                app,
                "main",
                tauri::WebviewUrl::App("index.html".into()),
            )
            .title("minimal window")
            .inner_size(1100.0, 760.0)
            .build()?;
            Ok(())
        })
        .run(tauri::generate_context!("examples/minimal_window/tauri.conf.json"));
    if let Err(error) = result {
        eprintln!("minimal_window could not start: {error}");
        std::process::exit(1);
    }
}
