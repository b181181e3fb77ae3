-- Without shared_preload_libraries, capture says what it needs; the rest of the extension works.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS autopilot CASCADE;
RESET client_min_messages;
SELECT * FROM autopilot.capture_drain();
SELECT * FROM autopilot.capture_status;
SELECT autopilot.capture_reset();
-- the settings exist and are still checked
SET autopilot.sample_rate = 2;
SET autopilot.sample_rate = 0.5;
SHOW autopilot.sample_rate;
SELECT autopilot.boundary_selftest('ok');
