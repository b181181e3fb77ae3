#!/usr/bin/python3
"""Headless Chromium against autopilot-web (Debian's chromium, chromium-driver, python3-selenium).

Loads each page, fails on any console error, checks in the DOM that the charts and the map were
drawn, saves a screenshot of each page, then approves a recommendation through the Optimizer page:
refused before logging in, accepted after (the database is checked with psql between the steps).
"""
import argparse
import subprocess
import sys
import tempfile
import time

from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait


def psql(sql):
    return subprocess.run(["psql", "-XAtqc", sql], check=True, capture_output=True, text=True).stdout.strip()


def console_errors(driver):
    return [e for e in driver.get_log("browser") if e.get("level") == "SEVERE"]


def wait_loaded(driver, timeout=30):
    WebDriverWait(driver, timeout).until(
        lambda d: d.execute_script("return document.body.dataset.loaded === 'true'"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", required=True)
    ap.add_argument("--shots", required=True)
    ap.add_argument("--rec", required=True, type=int)
    ap.add_argument("--user", required=True)
    ap.add_argument("--password", required=True)
    args = ap.parse_args()

    opts = Options()
    opts.binary_location = "/usr/bin/chromium"
    for a in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
              "--disable-background-networking", "--disable-component-update", "--disable-sync",
              "--disable-dev-shm-usage", "--window-size=1400,1800",
              "--user-data-dir=" + tempfile.mkdtemp(prefix="autopilot-chromium-")]:
        opts.add_argument(a)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
    failures = []

    def check(cond, what):
        if not cond:
            failures.append(what)
            print("FAIL:", what, file=sys.stderr)

    try:
        # Sales
        driver.get(args.base + "/")
        wait_loaded(driver)
        check(len(driver.find_elements(By.CSS_SELECTOR, "#kpis .kpi")) == 5, "sales: five KPI cards")
        points = driver.execute_script(
            "const c = Chart.getChart(document.getElementById('trend-chart'));"
            "return c ? c.data.datasets[0].data.filter(v => v !== null).length : 0;")
        check(points > 0, "sales: the trend chart has points")
        bars = driver.execute_script(
            "const c = Chart.getChart(document.getElementById('brand-chart')); return c ? c.data.labels.length : 0;")
        check(bars > 0, "sales: the brand chart has bars")
        markers = len(driver.find_elements(By.CSS_SELECTOR, "#map path.store-marker"))
        check(markers > 0, "sales: the map has store markers")
        check(len(driver.find_elements(By.CSS_SELECTOR, "#top-skus tbody tr")) > 0, "sales: top SKUs listed")
        errs = console_errors(driver)
        check(not errs, f"sales: console errors {errs}")
        driver.save_screenshot(args.shots + "/sales.png")

        # Authenticity checker
        driver.get(args.base + "/authenticity")
        wait_loaded(driver)
        check(len(driver.find_elements(By.CSS_SELECTOR, "form#listing input")) >= 8, "authenticity: the form")
        errs = console_errors(driver)
        check(not errs, f"authenticity: console errors {errs}")
        driver.save_screenshot(args.shots + "/authenticity.png")

        # Optimizer: the page, then approve refused without login, accepted after.
        driver.get(args.base + "/optimizer")
        wait_loaded(driver)
        check(len(driver.find_elements(By.CSS_SELECTOR, f"button.approve[data-id='{args.rec}']")) == 1,
              "optimizer: the pending recommendation has an approve button")
        errs = console_errors(driver)
        check(not errs, f"optimizer: console errors {errs}")
        driver.save_screenshot(args.shots + "/optimizer.png")

        def toast_text():  # the toast element exists from the first message on
            found = driver.find_elements(By.ID, "toast")
            return found[0].text if found and found[0].is_displayed() else ""

        def click_approve():
            # The previous toast (e.g. "logged in as ...") may still show: wait for a new text.
            before = toast_text()
            driver.find_element(By.CSS_SELECTOR, f"button.approve[data-id='{args.rec}']").click()
            WebDriverWait(driver, 10).until(EC.alert_is_present())
            driver.switch_to.alert.accept()
            WebDriverWait(driver, 10).until(lambda d: toast_text() not in ("", before))
            return toast_text()

        toast = click_approve()
        check("log in" in toast, f"optimizer: anonymous approve refused with a hint to log in (toast: {toast!r})")
        check(psql(f"SELECT status FROM autopilot.recommendations WHERE id = {args.rec}") == "pending",
              "optimizer: anonymous click left the recommendation pending")

        driver.find_element(By.CSS_SELECTOR, "#login input[name=user]").send_keys(args.user)
        driver.find_element(By.CSS_SELECTOR, "#login input[name=password]").send_keys(args.password)
        driver.find_element(By.CSS_SELECTOR, "#login button[type=submit]").click()
        WebDriverWait(driver, 10).until(EC.visibility_of_element_located((By.ID, "whoami")))
        time.sleep(0.3)  # the list is re-rendered after login
        toast = click_approve()
        check("approved" in toast, f"optimizer: approve after login (toast: {toast!r})")
        check(psql(f"SELECT status FROM autopilot.recommendations WHERE id = {args.rec}") == "approved",
              "optimizer: the approval reached the database")
        driver.save_screenshot(args.shots + "/optimizer-approved.png")
    except TimeoutException as e:
        failures.append(f"timeout: {e}")
        driver.save_screenshot(args.shots + "/failure.png")
    finally:
        driver.quit()
    if failures:
        print(f"{len(failures)} browser check(s) failed", file=sys.stderr)
        return 1
    print("browser checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
