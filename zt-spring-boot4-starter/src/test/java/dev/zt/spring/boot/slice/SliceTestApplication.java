package dev.zt.spring.boot.slice;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The application a {@code @WebMvcTest} slice finds: a controller, nothing of zt configured by hand. */
@SpringBootApplication
public class SliceTestApplication {

  @RestController
  static class Orders {

    @GetMapping("/orders/{id}")
    String get(@PathVariable String id) {
      return "order " + id;
    }

    @PutMapping("/orders/{id}")
    String change(@PathVariable String id, @RequestParam String note) {
      return "changed " + id + ": " + note;
    }
  }
}
