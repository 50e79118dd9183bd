package dev.slipway.toolchain.build;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class ExecutableFormatTest {
  private static byte[] elf(int osabi, int machine) {
    ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
    b.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, (byte) osabi});
    b.putShort(18, (short) machine);
    return b.array();
  }

  @Test
  void elf_tellsLinuxFromFreebsdAndReadsTheMachine() {
    assertThat(ExecutableFormat.parse(elf(0, 0x3e)))
        .contains(new ExecutableFormat.Executable("ELF", "linux", "amd64"));
    assertThat(ExecutableFormat.parse(elf(0, 0xb7)))
        .contains(new ExecutableFormat.Executable("ELF", "linux", "arm64"));
    assertThat(ExecutableFormat.parse(elf(9, 0x3e)))
        .contains(new ExecutableFormat.Executable("ELF", "freebsd", "amd64"));
  }

  @Test
  void machO_andPe_areRecognised() {
    ByteBuffer macho =
        ByteBuffer.allocate(32)
            .order(ByteOrder.LITTLE_ENDIAN)
            .putInt(0xfeedfacf)
            .putInt(0x0100000c);
    assertThat(ExecutableFormat.parse(macho.array()))
        .contains(new ExecutableFormat.Executable("Mach-O", "darwin", "arm64"));

    ByteBuffer pe = ByteBuffer.allocate(256).order(ByteOrder.LITTLE_ENDIAN);
    pe.put(0, (byte) 'M').put(1, (byte) 'Z').putInt(0x3c, 0x80);
    pe.put(0x80, (byte) 'P').put(0x81, (byte) 'E').putShort(0x84, (short) 0x8664);
    assertThat(ExecutableFormat.parse(pe.array()))
        .contains(new ExecutableFormat.Executable("PE", "windows", "amd64"));
  }

  @Test
  void somethingElse_isNotAnExecutable() {
    assertThat(ExecutableFormat.parse("#!/bin/sh\necho hi\n".getBytes())).isEmpty();
    assertThat(ExecutableFormat.parse(elf(0, 0x9999))).isEmpty();
  }
}
