"""Browser fixtures: Playwright driving Debian's Chromium against pytest-django's live_server.

- `browser` (package): one headless Chromium for the browser tests that run in a row.
- `page` (per test): a fresh context (cookies, storage) at 1280x800. When the test
  fails, a screenshot is saved to test-artifacts/<test name>.png.
- `browser_errors` (per test): console errors, uncaught page errors and Content
  Security Policy violations seen by `page`. The portal's CSP forbids inline scripts
  and styles, so any violation is a bug; tests assert this list is empty.
- `live_world`: the personas of `world`, created in a transactional database that the
  live server's thread can see.
- `axe_violations(page)` / `assert_accessible(page)`: axe-core's serious and critical
  findings on the page as it is now (`make install-test` fetches axe-core from npm).
"""

import functools
import re
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
AXE_JS = ROOT / ".venv" / "node_modules" / "axe-core" / "axe.min.js"

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}

# Runs in every document before the page's own scripts (Playwright injects it over
# CDP, so the CSP does not block it) and forwards each CSP violation to Python.
_CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (e) => {
  window.__reportCspViolation(
    `${e.violatedDirective} blocked ${e.blockedURI || "inline"} ` +
    `at ${e.sourceFile || document.location.href}:${e.lineNumber}`
  );
});
"""


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    # Lets fixtures see, in their teardown, whether the test itself failed.
    setattr(item, f"rep_{report.when}", report)
    return report


def artifact_path(name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / (re.sub(r"[^\w.-]+", "_", name) + ".png")


@functools.cache
def _axe_source() -> str:
    if not AXE_JS.exists():
        pytest.fail(f"{AXE_JS} is missing: `make install-test` installs axe-core from npm")
    # A trailing expression, so that evaluating the file returns something serialisable.
    return AXE_JS.read_text() + "\n;true"


_AXE_RUN = """() => axe.run(document, {resultTypes: ["violations"]}).then((results) =>
  results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}) at ${n.target.join(" ")}: ${v.help}`))
)"""


def axe_violations(page) -> list[str]:
    """axe-core's serious and critical violations on the page, one line per element.

    The script is evaluated over CDP rather than added as a <script> tag: the
    portal's CSP (rightly) refuses inline and foreign scripts."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_axe_source())
    return page.evaluate(_AXE_RUN)


def assert_accessible(page) -> None:
    violations = axe_violations(page)
    assert violations == [], f"axe-core on {page.url}:\n  " + "\n  ".join(violations)


# Not session-wide: between its calls Playwright's sync API leaves its asyncio loop
# marked as running on the main thread, and every test that runs after it there
# would fail on asyncio.run() (pyhanko's seal and verification use it). pytest-django
# runs the browser tests in a row, so this is one Chromium a run, or one for each
# stretch of them an xdist worker gets.
@pytest.fixture(scope="package")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def browser_errors() -> list[str]:
    return []


@pytest.fixture
def page(browser, browser_errors, request):
    context = browser.new_context(viewport=DESKTOP, locale="en-GB")
    context.set_default_timeout(10_000)
    context.expose_function(
        "__reportCspViolation", lambda text: browser_errors.append(f"CSP: {text}")
    )
    context.add_init_script(_CSP_LISTENER)
    page = context.new_page()
    page.on(
        "console",
        lambda msg: (
            browser_errors.append(f"console.{msg.type}: {msg.text} ({msg.location})")
            if msg.type == "error"
            else None
        ),
    )
    page.on("pageerror", lambda error: browser_errors.append(f"pageerror: {error}"))
    yield page
    call = getattr(request.node, "rep_call", None)
    if call is not None and call.failed:
        try:
            page.screenshot(path=artifact_path(request.node.name), full_page=True)
        except Exception as exc:  # the screenshot must not hide the real failure
            print(f"could not save a screenshot: {exc}")
        if browser_errors:
            print("Browser errors:\n  " + "\n  ".join(browser_errors))
    context.close()


@pytest.fixture
def live_world(transactional_db, live_server, world):
    """`world`, committed, so that the live server (another thread) sees it."""
    return world


def sign_in(page, base, email, password, *, admin=False) -> None:
    """Log in through the real form; staff (and anyone with an authenticator) type a code.

    Staff must use two-step verification: one without an authenticator gets one
    here, before the password is typed, and the code is computed from its key as
    the phone would (the next time step if the current one was just used, since a
    code is accepted once).
    """
    from accounts.models import User
    from tests.accounts.second_factor import authenticator_for, next_code

    user = User.objects.get(email__iexact=email)
    device = authenticator_for(user) if user.is_staff else None
    page.goto(base + ("/admin/login/" if admin else "/account/login/"))
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", password)
    page.locator("button[type=submit]").first.click()
    page.wait_for_load_state()
    if "/account/login/verify/" in page.url:
        device = device or authenticator_for(user)
        page.fill("input[name=code]", next_code(device))
        page.locator("button[type=submit]").first.click()
        page.wait_for_load_state()
