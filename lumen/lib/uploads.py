"""An upload handler that keeps files in memory, never in a temporary file, and keeps at most
one byte past a size limit: a view refuses an oversized file by its counted size (`size`)
without the bytes ever being stored anywhere."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler


class CappedMemoryUpload(FileUploadHandler):
    """Subclasses say how many bytes a file may have (`limit_bytes`) and, optionally, how
    many files are kept (`max_files`; the bytes of later files are counted, not kept)."""

    max_files: int | None = None

    def limit_bytes(self) -> int:
        raise NotImplementedError

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        self.files = getattr(self, "files", 0) + 1
        self.buffer, self.received = io.BytesIO(), 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        room = self.limit_bytes() + 1 - self.buffer.tell()
        if (self.max_files is None or self.files <= self.max_files) and room > 0:
            self.buffer.write(raw_data[:room])
        self.received += len(raw_data)
        return None  # nothing for later handlers: this is the only one

    def file_complete(self, file_size: int) -> InMemoryUploadedFile:
        self.buffer.seek(0)
        return InMemoryUploadedFile(
            file=self.buffer,
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            size=self.received,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )
