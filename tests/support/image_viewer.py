"""Test helper, run as a script: show IMAGE in a plain window titled TITLE (a stand-in for a 高拍仪 preview).

    python tests/support/image_viewer.py IMAGE TITLE
"""

import sys

from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QApplication, QLabel

app = QApplication(sys.argv)
label = QLabel()
label.setPixmap(QPixmap(sys.argv[1]))
label.setWindowTitle(sys.argv[2])
label.move(40, 30)
label.show()
app.exec()
