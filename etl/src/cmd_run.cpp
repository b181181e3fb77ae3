// autopilot-etl run: stub until its issue lands (replace this file; keep the signature).
#include "commands.hpp"

namespace autopilot::etl {

int cmd_run(const CommandArgs &)
{
    not_implemented();
}

}  // namespace autopilot::etl
