//! The desktop entry (`assets/pizhu.desktop`): valid, and declaring a type for every kind of
//! file Pizhu opens, so that a file manager offers Pizhu for each of them.

use std::io::Write as _;
use std::path::Path;
use std::process::Command;

/// The MIME types a file manager gives each extension Pizhu opens (shared-mime-info's names,
/// with Kingsoft's own for `.wps` and the national standard's for `.ofd`).
const TYPES: &[(&str, &[&str])] = &[
    ("txt", &["text/plain"]),
    ("text", &["text/plain"]),
    ("md", &["text/markdown", "text/x-markdown"]),
    ("markdown", &["text/markdown", "text/x-markdown"]),
    (
        "docx",
        &["application/vnd.openxmlformats-officedocument.wordprocessingml.document"],
    ),
    ("doc", &["application/msword", "application/wps-office.doc"]),
    (
        "wps",
        &["application/wps-office.wps", "application/vnd.ms-works"],
    ),
    ("pdf", &["application/pdf"]),
    ("ofd", &["application/ofd"]),
    ("html", &["text/html"]),
    ("htm", &["text/html"]),
    ("shtml", &["text/html"]),
    ("xhtml", &["application/xhtml+xml"]),
    ("mht", &["application/x-mimearchive", "multipart/related"]),
    ("mhtml", &["application/x-mimearchive", "multipart/related"]),
    ("epub", &["application/epub+zip"]),
];

fn entry() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/pizhu.desktop");
    std::fs::read_to_string(path).expect("assets/pizhu.desktop")
}

#[test]
fn every_extension_pizhu_opens_has_its_types_in_the_desktop_entry() {
    let entry = entry();
    let declared: Vec<&str> = entry
        .lines()
        .find_map(|l| l.strip_prefix("MimeType="))
        .expect("a MimeType line")
        .split(';')
        .filter(|t| !t.is_empty())
        .collect();
    for ext in pizhu::document::EXTENSIONS {
        let (_, types) = TYPES
            .iter()
            .find(|(e, _)| e == ext)
            .unwrap_or_else(|| panic!(".{ext} has no MIME type in this test's table"));
        for t in *types {
            assert!(declared.contains(t), ".{ext}: {t} is not declared");
        }
    }
    // One file at a time, as the command line takes it.
    assert!(entry.lines().any(|l| l == "Exec=pizhu %f"), "{entry}");
}

#[test]
fn the_desktop_entry_is_valid() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/pizhu.desktop");
    let Ok(out) = Command::new("desktop-file-validate").arg(&path).output() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "desktop-file-validate must be installed under CI (Debian: desktop-file-utils)"
        );
        let _ = writeln!(
            std::io::stderr(),
            "skipped: desktop-file-validate not installed"
        );
        return;
    };
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success() && said.trim().is_empty(), "{said}");
}

/// The icon sizes icon themes use, each rendered from the SVG into the hicolor layout.
const ICON_SIZES: &[u32] = &[16, 24, 32, 48, 64, 128, 256, 512];

fn asset(path: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("assets")
        .join(path)
}

fn icon_name(entry: &str) -> &str {
    entry
        .lines()
        .find_map(|l| l.strip_prefix("Icon="))
        .expect("an Icon line")
}

#[test]
fn the_icon_is_ours_in_every_size_and_named_by_the_desktop_entry_and_the_window() {
    let entry = entry();
    let name = icon_name(&entry);
    assert_eq!(name, pizhu::app::APP_ID, "{entry}");
    // The SVG: well-formed XML, square, drawn with shapes only (no text needing a font).
    let svg = std::fs::read_to_string(asset(&format!("icons/{name}.svg"))).expect("the SVG");
    let mut reader = quick_xml::Reader::from_str(&svg);
    let mut root = None;
    loop {
        match reader.read_event().expect("well-formed SVG") {
            quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e) => {
                let tag = e.name().0.to_owned();
                assert!(tag != "text" && tag != "image", "<{tag}> in the icon");
                if root.is_none() {
                    let view_box = e
                        .try_get_attribute("viewBox")
                        .expect("attributes")
                        .expect("a viewBox");
                    let view_box = view_box.value.into_owned();
                    root = Some((tag, view_box));
                }
            }
            quick_xml::events::Event::Eof => break,
            _ => {}
        }
    }
    let (tag, view_box) = root.expect("a root element");
    assert_eq!(tag, "svg");
    let v: Vec<f32> = view_box
        .split_whitespace()
        .map(|n| n.parse().expect("a number"))
        .collect();
    assert!(v.len() == 4 && v[2] == v[3], "viewBox {view_box}");
    // Every PNG: its size, transparent around the mark, and the vermilion of the seal in it.
    for &n in ICON_SIZES {
        let path = asset(&format!("icons/hicolor/{n}x{n}/apps/{name}.png"));
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let icon = eframe::icon_data::from_png_bytes(&bytes).expect("a PNG");
        assert_eq!((icon.width, icon.height), (n, n), "{}", path.display());
        let pixels: Vec<&[u8]> = icon.rgba.chunks_exact(4).collect();
        assert_eq!(pixels[0][3], 0, "{n}: the corner is transparent");
        let red = pixels
            .iter()
            .filter(|p| p[3] > 200 && p[0] > 150 && p[1] < 90 && p[2] < 90)
            .count();
        assert!(red * 30 > pixels.len(), "{n}: {red} red pixels");
    }
    // The window's own icon is the 128 px one, built in.
    let icon = pizhu::app::window_icon().expect("the window icon decodes");
    assert_eq!((icon.width, icon.height), (128, 128));
}

fn metainfo() -> String {
    std::fs::read_to_string(asset("pizhu.metainfo.xml")).expect("assets/pizhu.metainfo.xml")
}

/// The text of every `<tag>…</tag>` in `xml`, in order.
fn texts(xml: &str, tag: &str) -> Vec<String> {
    let open = format!("<{tag}>");
    let close = format!("</{tag}>");
    xml.split(&open)
        .skip(1)
        .map(|rest| rest.split(&close).next().unwrap_or_default().to_owned())
        .collect()
}

#[test]
fn the_metainfo_matches_the_desktop_entry_and_the_package() {
    let meta = metainfo();
    let entry = entry();
    assert_eq!(texts(&meta, "id"), [pizhu::app::APP_ID]);
    assert!(
        meta.contains(&format!(
            "<launchable type=\"desktop-id\">{}.desktop</launchable>",
            pizhu::app::APP_ID
        )),
        "{meta}"
    );
    assert!(meta.contains(&format!(
        "<icon type=\"stock\">{}</icon>",
        icon_name(&entry)
    )));
    // The same MIME types, in the same order.
    let declared: Vec<String> = entry
        .lines()
        .find_map(|l| l.strip_prefix("MimeType="))
        .expect("a MimeType line")
        .split(';')
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect();
    assert_eq!(texts(&meta, "mediatype"), declared);
    // The newest release is this version.
    let release = format!("<release version=\"{}\"", env!("CARGO_PKG_VERSION"));
    let first = meta.find("<release ").expect("a release");
    assert_eq!(meta.find(&release), Some(first), "{release} first");
    // English and Chinese, for the name, the summary and the description.
    for tag in ["name", "summary"] {
        assert!(
            meta.contains(&format!("<{tag} xml:lang=\"zh_CN\">")),
            "{tag}"
        );
    }
    assert!(meta.contains("<p xml:lang=\"zh_CN\">"));
    assert!(meta.contains("<content_rating type=\"oars-1.1\"/>"));
}

#[test]
fn the_metainfo_is_valid() {
    let path = asset("pizhu.metainfo.xml");
    // The one warning left on purpose: the id is `pizhu`, as the desktop file, the window's
    // app id (which Wayland matches to the desktop file) and the Debian package are named,
    // not a reverse-DNS name.
    let Ok(out) = Command::new("appstreamcli")
        .args([
            "validate",
            "--no-net",
            "--pedantic",
            "--override=cid-desktopapp-is-not-rdns=info",
        ])
        .arg(&path)
        .output()
    else {
        assert!(
            std::env::var_os("CI").is_none(),
            "appstreamcli must be installed under CI (Debian: appstream)"
        );
        let _ = writeln!(std::io::stderr(), "skipped: appstreamcli not installed");
        return;
    };
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{said}");
    // Errors and warnings fail; infos and pedantic hints are listed for whoever looks.
    for line in said.lines() {
        assert!(!line.starts_with("E:") && !line.starts_with("W:"), "{said}");
    }
}

/// `tools/build-deb.sh` packages the binary (the debug one here: the release build is
/// the script's own business) with the desktop entry, the icons, the metainfo and the
/// manual; installed into a throwaway dpkg root the package lists those files, and
/// removed it leaves nothing behind.
#[test]
fn the_debian_package_installs_and_removes_cleanly() {
    let tools = ["dpkg-deb", "dpkg"];
    if tools
        .iter()
        .any(|t| Command::new(t).arg("--version").output().is_err())
    {
        assert!(
            std::env::var_os("CI").is_none(),
            "dpkg must be installed under CI"
        );
        let _ = writeln!(std::io::stderr(), "skipped: dpkg not installed");
        return;
    }
    let dir = tempfile::tempdir().expect("tmp");
    let out = Command::new(Path::new(env!("CARGO_MANIFEST_DIR")).join("tools/build-deb.sh"))
        .args(["--fast", "--binary", env!("CARGO_BIN_EXE_pizhu"), "--out"])
        .arg(dir.path())
        .output()
        .expect("run tools/build-deb.sh");
    let said = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{said}");
    let arch = String::from_utf8(
        Command::new("dpkg")
            .arg("--print-architecture")
            .output()
            .expect("dpkg")
            .stdout,
    )
    .expect("utf-8");
    let deb = dir.path().join(format!(
        "pizhu_{}_{}.deb",
        env!("CARGO_PKG_VERSION"),
        arch.trim()
    ));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        deb.display().to_string()
    );
    let field = |name: &str| {
        let out = Command::new("dpkg-deb")
            .arg("--field")
            .arg(&deb)
            .arg(name)
            .output()
            .expect("dpkg-deb --field");
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    };
    assert_eq!(field("Package"), "pizhu");
    assert_eq!(field("Version"), env!("CARGO_PKG_VERSION"));
    let depends = field("Depends");
    for lib in ["libc6", "libegl1", "libgl1", "libxkbcommon0"] {
        assert!(depends.contains(lib), "{depends}");
    }

    // Installed into an empty dpkg database of its own (the libraries it depends on are
    // not there: --force-depends).
    let root = dir.path().join("root");
    for sub in ["var/lib/dpkg/info", "var/lib/dpkg/updates", "var/log"] {
        std::fs::create_dir_all(root.join(sub)).expect("mkdir");
    }
    std::fs::write(root.join("var/lib/dpkg/status"), "").expect("status");
    let dpkg = |args: &[&str]| {
        let out = Command::new("dpkg")
            .arg(format!("--root={}", root.display()))
            .arg(format!("--log={}", root.join("var/log/dpkg.log").display()))
            .args(args)
            .output()
            .expect("dpkg");
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let deb_arg = deb.display().to_string();
    let (ok, _, err) = dpkg(&["--force-depends", "--force-not-root", "-i", &deb_arg]);
    assert!(ok, "{err}");
    let (ok, listed, err) = dpkg(&["-L", "pizhu"]);
    assert!(ok, "{err}");
    let mut expected = vec![
        "/usr/bin/pizhu".to_owned(),
        "/usr/share/applications/pizhu.desktop".to_owned(),
        "/usr/share/metainfo/pizhu.metainfo.xml".to_owned(),
        "/usr/share/icons/hicolor/scalable/apps/pizhu.svg".to_owned(),
        "/usr/share/man/man1/pizhu.1.gz".to_owned(),
        "/usr/share/doc/pizhu/copyright".to_owned(),
        "/usr/share/doc/pizhu/changelog.gz".to_owned(),
    ];
    expected.extend(
        ICON_SIZES
            .iter()
            .map(|n| format!("/usr/share/icons/hicolor/{n}x{n}/apps/pizhu.png")),
    );
    let files: Vec<&str> = listed
        .lines()
        .filter(|l| root.join(l.trim_start_matches('/')).is_file())
        .collect();
    let mut sorted = expected.clone();
    sorted.sort();
    let mut got: Vec<String> = files.iter().map(|s| (*s).to_owned()).collect();
    got.sort();
    assert_eq!(got, sorted);
    // The installed entry and metainfo are the repository's.
    assert_eq!(
        std::fs::read_to_string(root.join("usr/share/applications/pizhu.desktop")).expect("entry"),
        entry()
    );
    let (ok, _, err) = dpkg(&["--force-not-root", "-r", "pizhu"]);
    assert!(ok, "{err}");
    let left: Vec<_> = walkdir::WalkDir::new(&root)
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.path().to_path_buf())
        .filter(|p| !p.starts_with(root.join("var")) && *p != root)
        .collect();
    assert!(left.is_empty(), "left behind: {left:?}");

    if Command::new("lintian").arg("--version").output().is_ok() {
        let out = Command::new("lintian")
            .args(["--tag-display-limit", "0"])
            .arg(&deb)
            .output()
            .expect("lintian");
        let said = String::from_utf8_lossy(&out.stdout).into_owned();
        // The maintainer address is whoever builds it (git's user here, which may be made
        // up); everything else must be clean.
        let problems: Vec<&str> = said
            .lines()
            .filter(|l| l.starts_with("E:") || l.starts_with("W:"))
            .filter(|l| !l.contains("bogus-mail-host"))
            .collect();
        assert!(problems.is_empty(), "{said}");
    } else {
        assert!(
            std::env::var_os("CI").is_none(),
            "lintian must be installed under CI"
        );
        let _ = writeln!(std::io::stderr(), "skipped: lintian not installed");
    }
}
