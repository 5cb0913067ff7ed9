use std::io::{IsTerminal as _, Write as _};
use std::process::ExitCode;

use pizhu::cli::{Cli, run};
use pizhu::terminal::{eprint_line, for_output};

/// Why `path` cannot be opened as a document, when that is plain before reading it: missing,
/// a folder, not a regular file, not readable.
fn unopenable(path: &std::path::Path) -> Option<String> {
    match std::fs::metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Some("no such file".to_owned()),
        Err(e) => Some(e.to_string()),
        Ok(meta) if meta.is_dir() => Some(
            "it is a folder, not a document (the library's Add folder… takes folders)".to_owned(),
        ),
        Ok(meta) if !meta.is_file() => Some("it is not a regular file".to_owned()),
        // Opened and closed at once: a file the user may not read says so now.
        Ok(_) => std::fs::File::open(path).err().map(|e| e.to_string()),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse_args();
    let Some(command) = cli.command else {
        // Diagnostics for the window (graphics, file dialogs) on stderr with RUST_LOG=warn etc.
        env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("off")).init();
        // A panic in the window leaves a report in the data folder; the next start offers it.
        pizhu::crash::install(pizhu::store::annotations::data_dir(cli.data_dir.as_deref()));
        let startup = match cli.file {
            Some(path) => {
                // Said here for whoever started it from a terminal; the window says it too
                // and shows the library instead.
                if let Some(problem) = unopenable(&path) {
                    eprint_line(&format!(
                        "pizhu: cannot open {}: {problem}; the window shows the library instead",
                        path.display()
                    ));
                }
                pizhu::app::Startup::File(path)
            }
            None => pizhu::app::Startup::Resume,
        };
        return match pizhu::app::run(startup, cli.data_dir) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprint_line(&format!(
                    "pizhu: the window could not be opened ({e}); check that a display is available"
                ));
                ExitCode::FAILURE
            }
        };
    };
    match run(&command, cli.data_dir.as_deref()) {
        Ok(out) => {
            // Documents and notes may hold escape sequences: a terminal sees them made
            // visible, a file or a pipe gets the exact bytes.
            let stdout = std::io::stdout();
            let out = for_output(&out, stdout.is_terminal());
            let mut stdout = stdout.lock();
            match stdout
                .write_all(out.as_bytes())
                .and_then(|()| stdout.flush())
            {
                Ok(()) => ExitCode::SUCCESS,
                // A closed pipe (`pizhu outline big.txt | head`) is not worth reporting.
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
                Err(e) => {
                    eprint_line(&format!(
                        "pizhu: cannot write the output ({e}); check the disk or the pipe it goes to"
                    ));
                    ExitCode::FAILURE
                }
            }
        }
        Err(e) => {
            eprint_line(&format!("pizhu: {e}"));
            ExitCode::FAILURE
        }
    }
}
