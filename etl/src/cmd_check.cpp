// autopilot-etl check: stub until its issue lands (replace this file; keep the signature).
#include "commands.hpp"

namespace autopilot::etl {

int cmd_check(const CommandArgs &)
{
    not_implemented();
}

}  // namespace autopilot::etl
