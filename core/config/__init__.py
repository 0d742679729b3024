"""Every limit and default of the app, one module per chapter (`core.config.timing`, ...), all
read from here: `from core.config import TIMING`.

Sliders read their bounds from here and core functions reject values past them with a message
that names the limit (see `IntBound.check`). The kinds of limit (their checks, clamps and refusal
wording) live in `core.bounds` and are re-exported, so every caller reads limits and their kinds
from one place. The floor: no module here imports a chapter's package.
"""
from core.bounds import BudgetError, Choice, FloatBound, IntBound, RequestBudget, TextBound  # noqa: F401
from core.config.app import *  # noqa: F401,F403
from core.config.timing import *  # noqa: F401,F403
from core.config.attention import *  # noqa: F401,F403
from core.config.memory import *  # noqa: F401,F403
from core.config.gradients import *  # noqa: F401,F403
from core.config.price import *  # noqa: F401,F403
from core.config.scan import *  # noqa: F401,F403
from core.config.head_to_head import *  # noqa: F401,F403
