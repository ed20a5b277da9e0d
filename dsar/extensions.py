"""Flask extensions, created unbound here and bound to the app in `create_app()`."""

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from dsar.core.db import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
limiter = Limiter(key_func=get_remote_address)

# Every model module, so that db.metadata (create_all, Alembic) holds every table.
from dsar.accounts import models as _accounts  # noqa: E402,F401
from dsar.api import models as _api  # noqa: E402,F401
from dsar.audit import models as _audit  # noqa: E402,F401
from dsar.changes import models as _changes  # noqa: E402,F401
from dsar.controllers import models as _controllers  # noqa: E402,F401
from dsar.files import models as _files  # noqa: E402,F401
from dsar.fulfilment import claim_models as _claims  # noqa: E402,F401
from dsar.fulfilment import models as _fulfilment  # noqa: E402,F401
from dsar.jobs import models as _jobs  # noqa: E402,F401
from dsar.letters import models as _letters  # noqa: E402,F401
from dsar.mailbox import models as _mailbox  # noqa: E402,F401
from dsar.messages import models as _messages  # noqa: E402,F401
from dsar.outbox import models as _outbox  # noqa: E402,F401
from dsar.redaction import models as _redaction  # noqa: E402,F401
from dsar.representatives import models as _representatives  # noqa: E402,F401
from dsar.requests import models as _requests  # noqa: E402,F401
from dsar.suppression import models as _suppression  # noqa: E402,F401
from dsar.webhooks import models as _webhooks  # noqa: E402,F401
